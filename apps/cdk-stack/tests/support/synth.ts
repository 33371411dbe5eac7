import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RouteRule } from '@cogauth/cdk';
import { SAMPLE_RULES } from '@cogauth/sample';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CogauthStack, type CogauthStackProps } from '../../lib/cogauth-stack.js';

const outdirs: string[] = [];

/** A fresh cloud assembly directory, removed by `removeOutdirs()`. */
export function tempOutdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cogauth-cdk-'));
  outdirs.push(dir);
  return dir;
}

export function removeOutdirs(): void {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function sharedRules(): readonly RouteRule[] {
  return SAMPLE_RULES;
}

/**
 * The directory of @cogauth/core's Lambda bundle, which `@cogauth/cdk` deploys: the tests compare the
 * staged asset with it byte for byte.
 */
export function authorizerBundleDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@cogauth/core/lambda-bundle'));
}

/** Synthesizes a bare stack (no cdk-nag plugin) with the shared rules unless `rules` is given. */
export function synthStack(props: Partial<CogauthStackProps> = {}): {
  stack: CogauthStack;
  template: Template;
} {
  const app = new App({ outdir: tempOutdir() });
  const stack = new CogauthStack(app, 'Test', { rules: sharedRules(), ...props });
  return { stack, template: Template.fromStack(stack) };
}

export type CfnResource = { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown };
export type CfnTemplate = {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
};

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

export function onlyResourceOfType(template: CfnTemplate, type: string): [string, CfnResource] {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as [string, CfnResource];
}

function logicalIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const att = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
  return undefined;
}

/**
 * REST routes as `METHOD /path`, rebuilt from the Method -> Resource -> parent chain, with each
 * method's AuthorizationType. Works for CDK and Serverless templates alike.
 */
export function restRoutes(
  template: CfnTemplate,
): Map<string, { authorizationType: unknown; authorizerId: unknown }> {
  const pathOf = (resourceRef: unknown): string => {
    const id = logicalIdOf(resourceRef);
    const resource = id === undefined ? undefined : template.Resources[id];
    if (resource === undefined || resource.Type !== 'AWS::ApiGateway::Resource') return ''; // the root
    const props = resource.Properties as { ParentId: unknown; PathPart: string };
    return `${pathOf(props.ParentId)}/${props.PathPart}`;
  };
  const routes = new Map<string, { authorizationType: unknown; authorizerId: unknown }>();
  for (const [, method] of resourcesOfType(template, 'AWS::ApiGateway::Method')) {
    const props = method.Properties as Record<string, unknown>;
    routes.set(`${props.HttpMethod as string} ${pathOf(props.ResourceId) || '/'}`, {
      authorizationType: props.AuthorizationType,
      authorizerId: logicalIdOf(props.AuthorizerId),
    });
  }
  return routes;
}

export { logicalIdOf };

/** A resource's Properties; throws when the logical id is not in the template. */
export function propsOf(template: CfnTemplate, id: string): Record<string, unknown> {
  const resource = template.Resources[id];
  if (resource === undefined) throw new Error(`no resource ${id}`);
  return resource.Properties ?? {};
}

/** Logical id of the log group a function's LoggingConfig points at. */
export function logGroupIdOf(fnProps: Record<string, unknown>): string | undefined {
  const config = fnProps.LoggingConfig as { LogGroup?: unknown } | undefined;
  return logicalIdOf(config?.LogGroup);
}

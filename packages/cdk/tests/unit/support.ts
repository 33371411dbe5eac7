import { ConfigError } from '@cogauth/core';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { expect } from 'vitest';
import { CogauthAuthorizer, type CogauthAuthorizerProps } from '../../src/index.js';

export const RULES = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
];

export type CfnResource = { Type: string; Properties?: Record<string, unknown> };
export type CfnTemplate = { Resources: Record<string, CfnResource> };

/** A stack with a created pool and client, and the authorizer built from `props` over those defaults. */
export function authorizerStack(props: Partial<CogauthAuthorizerProps> = {}): {
  app: App;
  stack: Stack;
  pool: cognito.UserPool;
  auth: CogauthAuthorizer;
} {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const pool = new cognito.UserPool(stack, 'Pool');
  const client = pool.addClient('Client');
  const hasPool = props.userPool !== undefined || props.userPoolId !== undefined;
  const auth = new CogauthAuthorizer(stack, 'Auth', {
    ...(hasPool ? {} : { userPool: pool }),
    ...(props.clientIds !== undefined || props.userPoolClients !== undefined
      ? {}
      : { userPoolClients: [client] }),
    rules: RULES,
    ...props,
  });
  return { app, stack, pool, auth };
}

export function templateOf(stack: Stack): CfnTemplate {
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

export function resourcesOfType(t: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

export function only(t: CfnTemplate, type: string): [string, Record<string, unknown>] {
  const found = resourcesOfType(t, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, r] = found[0] as [string, CfnResource];
  return [id, r.Properties ?? {}];
}

export function authorizerEnv(t: CfnTemplate): Record<string, unknown> {
  const [, fn] = only(t, 'AWS::Lambda::Function');
  return (fn.Environment as { Variables: Record<string, unknown> }).Variables;
}

export function refOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  return typeof ref === 'string' ? ref : undefined;
}

/** The invoke permissions of the authorizer function, as their SourceArn JSON. */
export function invokePermissions(t: CfnTemplate): { principal: unknown; sourceArn: string }[] {
  const [fnId] = only(t, 'AWS::Lambda::Function');
  return resourcesOfType(t, 'AWS::Lambda::Permission')
    .filter(([, p]) => JSON.stringify(p.Properties?.FunctionName).includes(`"${fnId}"`))
    .map(([, p]) => ({
      principal: p.Properties?.Principal,
      sourceArn: JSON.stringify(p.Properties?.SourceArn),
    }));
}

/** Runs `fn` and returns the ConfigError it throws (failing the test if it throws nothing or anything else). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

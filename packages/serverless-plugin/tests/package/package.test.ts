import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateTestKey, jwksOf, readZip } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coreBundlePath } from '../../src/plugin.js';
import {
  cleanEnv,
  copyFixtureService,
  FIXTURE_DIR,
  OSLS_BIN,
  type ServiceCopy,
} from '../helpers/fixture-service.js';

// `osls package` of the fixture service (REST, HTTP API and WebSocket events marked `authorizer: cogauth`),
// run once; every assertion reads its CloudFormation template and zips.

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
type Template = { Resources: Record<string, Resource> };

const run = promisify(execFile);
const JWKS = `${JSON.stringify(jwksOf(generateTestKey({ kid: 'fixture-key' })))}\n`;
let service: ServiceCopy | undefined;
let outDir = '';
let template: Template = { Resources: {} };

function ofType(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** The one resource of `type` (on the API `apiRef`, when given). */
function only(type: string, apiRef?: string): [string, Resource] {
  const found = ofType(type).filter(([, r]) => apiRef === undefined || refOf(r.Properties.ApiId) === apiRef);
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

function refOf(value: unknown): string | undefined {
  return (value as { Ref?: string } | undefined)?.Ref;
}

/** The API each Lambda permission lets invoke the authorizer, read from its SourceArn (none: its DependsOn). */
function invokersOfAuthorizer(): string[] {
  return ofType('AWS::Lambda::Permission')
    .filter(([, p]) =>
      JSON.stringify(p.Properties.FunctionName).includes('"CogauthAuthorizerLambdaFunction"'),
    )
    .map(([, p]) => {
      const arn = JSON.stringify(p.Properties.SourceArn ?? '');
      const api = ['ApiGatewayRestApi', 'HttpApi', 'WebsocketsApi'].find((name) =>
        arn.includes(`{"Ref":"${name}"}`),
      );
      return api ?? ((p as Resource & { DependsOn?: string[] }).DependsOn ?? []).join(',');
    });
}

beforeAll(async () => {
  service = copyFixtureService('cogauth-plugin-package-');
  outDir = join(service.root, 'out');
  writeFileSync(join(service.serviceDir, 'jwks.json'), JWKS);
  await run(process.execPath, [OSLS_BIN, 'package', '--stage', 'test', '--package', outDir], {
    cwd: service.serviceDir,
    env: cleanEnv(service.root, { FIXTURE_JWKS_FILE: 'jwks.json' }),
    timeout: 230_000,
  });
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}, 240_000);

afterAll(() => service?.remove());

describe('osls package: the authorizer function', () => {
  it('is added from the core bundle with the COGAUTH_* environment core reads, nothing empty', () => {
    const fn = template.Resources.CogauthAuthorizerLambdaFunction as Resource;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties).toMatchObject({
      FunctionName: 'cogauth-plugin-fixture-test-cogauthAuthorizer',
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
    });
    expect(fn.Properties.Environment).toEqual({
      Variables: {
        COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
        COGAUTH_CLIENT_IDS: 'fixture-client',
        COGAUTH_TOKEN_USE: 'access',
        COGAUTH_JWKS_FILE: 'jwks.json',
        COGAUTH_RULES_FILE: 'rules.json',
        COGAUTH_HTTP_API_RESPONSE: 'iam',
      },
    });
  });

  it('zips index.mjs (byte-identical to @cogauth/core’s bundle), rules.json and jwks.json, nothing else', () => {
    const entries = readZip(join(outDir, 'cogauthAuthorizer.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual(['index.mjs', 'jwks.json', 'rules.json']);
    const file = (name: string) => entries.find((e) => e.name === name)?.data ?? Buffer.alloc(0);
    expect(file('index.mjs').equals(readFileSync(coreBundlePath()))).toBe(true);
    expect(file('rules.json').equals(readFileSync(join(FIXTURE_DIR, 'rules.json')))).toBe(true);
    expect(JSON.parse(file('jwks.json').toString('utf8'))).toEqual(JSON.parse(JWKS));
  });

  it('leaves the service’s own functions as osls packages them (the marked handler only)', () => {
    for (const fn of ['hello', 'connect', 'message'])
      expect(readZip(join(outDir, `${fn}.zip`)).map((e) => e.name)).toEqual(['handler.mjs']);
  });
});

describe('osls package: REST API', () => {
  it('declares one TOKEN authorizer on the Authorization header, cached 300 s, running the cogauth function', () => {
    const [, authorizer] = only('AWS::ApiGateway::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(
      '"CogauthAuthorizerLambdaFunction"',
    );
  });

  it('puts it on the marked methods only', () => {
    const [name] = only('AWS::ApiGateway::Authorizer');
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const guarded = methods.filter((m) => m.AuthorizationType === 'CUSTOM');
    expect(guarded.map((m) => m.HttpMethod).sort()).toEqual(['GET', 'POST']);
    for (const m of guarded) expect(m.AuthorizerId).toEqual({ Ref: name });
    const open = methods.filter((m) => m.AuthorizationType !== 'CUSTOM');
    expect(open).toEqual([expect.objectContaining({ AuthorizationType: 'NONE', HttpMethod: 'GET' })]);
  });
});

describe('osls package: HTTP API', () => {
  it('declares a payload 2.0 REQUEST authorizer answering IAM policies, keyed by the Authorization header only', () => {
    const [, authorizer] = only('AWS::ApiGatewayV2::Authorizer', 'HttpApi');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      AuthorizerResultTtlInSeconds: 300,
    });
    // One policy covers every route the caller may use: the token alone is a safe cache key.
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(
      '"CogauthAuthorizerLambdaFunction"',
    );
  });

  it('puts it on every marked route', () => {
    const [name] = only('AWS::ApiGatewayV2::Authorizer', 'HttpApi');
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties)
      .filter((r) => refOf(r.ApiId) === 'HttpApi');
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(['GET /hello', 'POST /hello']);
    for (const r of routes)
      expect(r).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: name } });
  });
});

describe('osls package: WebSocket API', () => {
  it('declares a REQUEST authorizer on the Authorization header, on $connect only', () => {
    const [name, authorizer] = only('AWS::ApiGatewayV2::Authorizer', 'WebsocketsApi');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.header.Authorization'],
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(
      '"CogauthAuthorizerLambdaFunction"',
    );
    const routes = ofType('AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties)
      .filter((r) => refOf(r.ApiId) === 'WebsocketsApi');
    expect(routes.find((r) => r.RouteKey === '$connect')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: name },
    });
    expect(routes.find((r) => r.RouteKey === '$default')).toMatchObject({ AuthorizationType: 'NONE' });
  });
});

describe('osls package: invoke permissions', () => {
  it('lets each of the three APIs invoke the authorizer, each scoped by SourceArn, and nothing else', () => {
    expect(invokersOfAuthorizer().sort()).toEqual(['ApiGatewayRestApi', 'HttpApi', 'WebsocketsApi']);
  });

  it('scopes the WebSocket permission to the $connect authorizer of this API (osls sets no SourceArn)', () => {
    const [authorizerId] = only('AWS::ApiGatewayV2::Authorizer', 'WebsocketsApi');
    const permission = template.Resources.CogauthAuthorizerLambdaPermissionWebsockets as Resource;
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
    });
    expect(permission.Properties.SourceArn).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':execute-api:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':',
          { Ref: 'WebsocketsApi' },
          '/authorizers/',
          { Ref: authorizerId },
        ],
      ],
    });
  });
});

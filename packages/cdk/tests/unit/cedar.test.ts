import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { RestApi } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CogauthAuthorizer,
  type CogauthAuthorizerProps,
  CogauthCedar,
  CogauthJwks,
} from '../../src/index.js';
import { authorizerEnv, configError, only, templateOf } from './support.js';

/*
 * Cedar policies in place of rules: read and validated at synth, shipped beside @cogauth/cedar's bundle in
 * the function (staged into the cloud assembly), and the cache configured so API Gateway never serves a
 * per-request answer to another request. The staged asset is run as Lambda would run it.
 */

const dir = mkdtempSync(join(tmpdir(), 'cogauth-cdk-cedar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const POOL = 'us-east-1_ABC1234';
const CLIENT = 'cedarclient1';
const key = generateTestKey({ kid: 'cdk-cedar' });

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BY_TOKEN = file(
  'token.cedar',
  'permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|developer", action == MyApi::Action::"get /users", resource);\n',
);
const PER_REQUEST = file(
  'request.cedar',
  `permit (principal, action == MyApi::Action::"get /users", resource);
@id("own")
permit (principal, action == MyApi::Action::"get /users/{id}", resource) when { context.token.username == context.pathParameters.id };\n`,
);
const QUERY = file(
  'query.cedar',
  `permit (principal, action == MyApi::Action::"get /search", resource);
forbid (principal, action == MyApi::Action::"get /search", resource) when { context.queryStringParameters has all };\n`,
);

function stackWith(props: Partial<CogauthAuthorizerProps>): {
  app: App;
  stack: Stack;
  auth: CogauthAuthorizer;
} {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const auth = new CogauthAuthorizer(stack, 'Auth', {
    userPoolId: POOL,
    clientIds: [CLIENT],
    jwks: CogauthJwks.fromDocument(jwksOf(key)),
    ...props,
  });
  return { app, stack, auth };
}

function restApi(stack: Stack, auth: CogauthAuthorizer, type?: 'token' | 'request'): void {
  const api = new RestApi(stack, 'Api');
  api.root
    .addResource('users')
    .addMethod('GET', undefined, { authorizer: auth.restApiAuthorizer(type ? { type } : {}) });
}

describe('cedar: CogauthCedar.fromFiles', () => {
  it('ships the policies beside the Cedar bundle and names them in the environment; no rules', () => {
    const schema = file(
      'schema.json',
      '{"MyApi":{"entityTypes":{"User":{"memberOfTypes":["UserGroup"]},"UserGroup":{},"Application":{}},"actions":{"get /users":{"appliesTo":{"principalTypes":["User"],"resourceTypes":["Application"]}}}}}',
    );
    const { app, stack, auth } = stackWith({ cedar: CogauthCedar.fromFiles({ policies: BY_TOKEN, schema }) });
    restApi(stack, auth);
    const t = templateOf(stack);
    const env = authorizerEnv(t);
    expect(env).toMatchObject({
      COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
      COGAUTH_CEDAR_SCHEMA_FILE: 'schema.json',
    });
    expect(env).not.toHaveProperty('COGAUTH_RULES');
    expect(env).not.toHaveProperty('COGAUTH_REST_API_CACHE');
    const [, authorizer] = only(t, 'AWS::ApiGateway::Authorizer');
    expect(authorizer).toMatchObject({ Type: 'TOKEN', AuthorizerResultTtlInSeconds: 300 });
    const asset = assetDir(app, t);
    expect(readdirSync(asset).sort()).toEqual([
      'cedar_wasm_bg.wasm',
      'index.mjs',
      'policies.cedar',
      'schema.json',
    ]);
    expect(readFileSync(join(asset, 'policies.cedar'), 'utf8')).toBe(readFileSync(BY_TOKEN, 'utf8'));
  });

  it('the staged function answers as the policies say, run as Lambda runs it', () => {
    const { app, stack, auth } = stackWith({ cedar: CogauthCedar.fromFiles({ policies: BY_TOKEN }) });
    restApi(stack, auth);
    const t = templateOf(stack);
    const asset = assetDir(app, t);
    const env = authorizerEnv(t) as Record<string, string>;
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: 's',
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      token_use: 'access',
      client_id: CLIENT,
      iat: now,
      exp: now + 600,
    };
    const event = (groups: string[]) => ({
      type: 'TOKEN',
      authorizationToken: `Bearer ${signJwt({ ...claims, 'cognito:groups': groups }, key)}`,
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/users',
    });
    const script = `const { handler } = await import(${JSON.stringify(join(asset, 'index.mjs'))});
      const out = [];
      for (const e of ${JSON.stringify([event(['developer']), event([])])}) out.push((await handler(e)).policyDocument.Statement[0].Effect);
      console.log(JSON.stringify(out));`;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, ...env, LAMBDA_TASK_ROOT: asset },
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual(['Allow', 'Deny']);
  });

  it('a policy that does not parse fails the synth, naming the prop, the file, the policy and where', () => {
    const bad = file(
      'bad.cedar',
      `${readFileSync(BY_TOKEN, 'utf8')}permit (principal, action == , resource);\n`,
    );
    const err = configError(() => CogauthCedar.fromFiles({ policies: bad }));
    expect(err.path).toEqual(['cedar', 'policies']);
    expect(err.message).toMatch(
      /^cedar\.policies: bad\.cedar: policy1 at line 2, column 30: unexpected token/,
    );
    expect(configError(() => CogauthCedar.fromFiles({ policies: join(dir, 'none.cedar') })).message).toMatch(
      /^cedar\.policies: cannot read .*none\.cedar \(ENOENT\)/,
    );
  });

  it('rules or cedar, not both; no WebSocket with Cedar', () => {
    const cedar = CogauthCedar.fromFiles({ policies: BY_TOKEN });
    expect(configError(() => stackWith({ cedar, rules: [{ route: 'GET /x' }] })).path).toEqual(['rules']);
    expect(configError(() => stackWith({})).field).toBe('rules');
    const { auth } = stackWith({ cedar });
    expect(configError(() => auth.webSocketAuthorizer()).field).toBe('cedar');
  });
});

describe('cedar: per-request policies and API Gateway’s cache', () => {
  it('turns the result cache off (REST and HTTP API) and tells the authorizer so', () => {
    const { stack, auth } = stackWith({ cedar: CogauthCedar.fromFiles({ policies: PER_REQUEST }) });
    restApi(stack, auth);
    new HttpApi(stack, 'Http', {
      defaultAuthorizer: auth.httpApiAuthorizer(),
      defaultIntegration: new HttpUrlIntegration('Backend', 'https://backend.example.com'),
    });
    const t = templateOf(stack);
    expect(only(t, 'AWS::ApiGateway::Authorizer')[1]).toMatchObject({ AuthorizerResultTtlInSeconds: 0 });
    expect(only(t, 'AWS::ApiGatewayV2::Authorizer')[1]).toMatchObject({ AuthorizerResultTtlInSeconds: 0 });
    expect(authorizerEnv(t)).toMatchObject({ COGAUTH_REST_API_CACHE: 'off', COGAUTH_HTTP_API_CACHE: 'off' });
  });

  it('refuses a TTL that would let API Gateway serve one request’s answer to another, naming the routes', () => {
    const cedar = CogauthCedar.fromFiles({ policies: PER_REQUEST });
    const err = configError(() => stackWith({ cedar, resultsCacheTtl: Duration.minutes(5) }));
    expect(err.path).toEqual(['resultsCacheTtl']);
    expect(err.message).toMatch(
      /must be 0 with these Cedar policies: they read the request for get \/users\/\{id\}/,
    );
    expect(() => stackWith({ cedar, resultsCacheTtl: Duration.seconds(0) })).not.toThrow();
  });

  it('policies that read the query string get a REQUEST authorizer; a TOKEN one is refused (its event has none)', () => {
    const cedar = CogauthCedar.fromFiles({ policies: QUERY });
    const { stack, auth } = stackWith({ cedar });
    restApi(stack, auth);
    expect(only(templateOf(stack), 'AWS::ApiGateway::Authorizer')[1]).toMatchObject({ Type: 'REQUEST' });
    const other = stackWith({ cedar });
    expect(configError(() => other.auth.restApiAuthorizer({ type: 'token' })).field).toBe('type');
  });
});

/** The function's staged asset directory in the cloud assembly. */
function assetDir(app: App, t: ReturnType<typeof templateOf>): string {
  const [, fn] = only(t, 'AWS::Lambda::Function');
  const key = (fn.Code as { S3Key: string }).S3Key;
  return join(app.synth().directory, `asset.${key.replace(/\.zip$/, '')}`);
}

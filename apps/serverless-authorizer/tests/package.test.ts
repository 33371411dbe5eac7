import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SAMPLE_RULES_FILE } from '@cogauth/sample';
import { generateTestKey, jwksOf, readZip, SLS_ENV } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const OSLS_BIN = join(APP_DIR, 'node_modules', 'osls', 'bin', 'serverless.js');
const BACKEND_BUNDLE = join(APP_DIR, 'dist', 'backend', 'index.mjs');
const CORE_BUNDLE = createRequire(import.meta.url).resolve('@cogauth/core/lambda-bundle');
const BACKEND_FUNCTIONS = ['listMessages', 'postMessage', 'deleteMessage', 'me'];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
type Template = { Resources: Record<string, Resource> };

const scratch = mkdtempSync(join(tmpdir(), 'cogauth-sls-package-'));
const serviceDir = join(scratch, 'service');
const EMBEDDED_JWKS = `${JSON.stringify(jwksOf(generateTestKey({ kid: 'k1' })))}\n`;

/** No credentials anywhere: no AWS_* keys, no profile, shared files pointing at nothing. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...SLS_ENV };
  for (const key of Object.keys(env)) {
    if (
      /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|DEFAULT_PROFILE|ROLE_ARN|WEB_IDENTITY)/.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  env.AWS_SHARED_CREDENTIALS_FILE = join(scratch, 'no-credentials');
  env.AWS_CONFIG_FILE = join(scratch, 'no-config');
  // COGAUTH_* from the caller's shell would leak into the params' defaults.
  for (const key of Object.keys(env)) if (key.startsWith('COGAUTH_')) delete env[key];
  return env;
}

/**
 * A copy of the service (sources and tests included, node_modules linked). osls stages every zip in
 * `<service>/.serverless/` before moving it, so packaging the app directory itself would race with
 * anyone else packaging it at the same time (the CDK app's parity test does).
 */
function copyService(): void {
  const root = resolve(APP_DIR);
  const skip = new Set(['node_modules', '.serverless', '.serverless-offline', '.local.env']);
  cpSync(root, serviceDir, {
    recursive: true,
    filter: (source) => !skip.has(relative(root, source).split('/')[0] ?? ''),
  });
  symlinkSync(join(root, 'node_modules'), join(serviceDir, 'node_modules'), 'dir');
}

async function slsPackage(args: string[]): Promise<void> {
  await run(process.execPath, [OSLS_BIN, 'package', ...args], {
    cwd: serviceDir,
    env: credentialFreeEnv(),
    timeout: 150_000,
  });
}

function template(dir: string): Template {
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}

function ofType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function ruleRoutes(): string[] {
  const rules = JSON.parse(readFileSync(SAMPLE_RULES_FILE, 'utf8')) as { route: string }[];
  return rules.map((rule) => rule.route).sort();
}

const defaultDir = join(serviceDir, '.serverless');
const overrideDir = join(scratch, 'prod');

beforeAll(async () => {
  if (!existsSync(BACKEND_BUNDLE))
    throw new Error(`${BACKEND_BUNDLE} missing: run \`pnpm --filter @cogauth/serverless-authorizer build\``);
  copyService();
  // One at a time, the --package run first: every run stages its zips in .serverless/, and a run
  // into the default location starts by emptying it.
  // The embedded run ships a jwks.json named by jwksFile; the default run ships none.
  writeFileSync(join(serviceDir, 'jwks.json'), EMBEDDED_JWKS);
  await slsPackage([
    '--stage',
    'prod',
    '--region',
    'eu-west-1',
    '--package',
    overrideDir,
    '--param=userPoolId=eu-west-1_AbC123',
    '--param=clientIds=client-one,client-two',
    '--param=tokenUse=id',
    '--param=authorizerTtl=60',
    '--param=jwksFile=jwks.json',
    '--param=monitoring=true',
  ]);
  rmSync(join(serviceDir, 'jwks.json'));
  await slsPackage([
    '--stage',
    'dev',
    '--region',
    'us-east-1',
    '--param=userPoolId=us-east-1_AbC123',
    '--param=clientIds=sample-client',
  ]);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('serverless package with a pool and a client', () => {
  it('declares the authorizer as a REST TOKEN authorizer on the Authorization header, cached 300 s', () => {
    const t = template(defaultDir);
    const authorizers = ofType(t, 'AWS::ApiGateway::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [name, authorizer] = authorizers[0] as [string, Resource];
    expect(authorizer.Properties).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain('CogauthAuthorizerLambdaFunction');

    const methods = ofType(t, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(BACKEND_FUNCTIONS.length);
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: name } });
    }
  });

  it('declares the HTTP API authorizer as REQUEST, payload 2.0, IAM policy answers, keyed by the token', () => {
    const t = template(defaultDir);
    const authorizers = ofType(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizers).toHaveLength(1);
    const [name, authorizer] = authorizers[0] as [string, Resource];
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      AuthorizerResultTtlInSeconds: 300,
    });
    // The policy covers every route the caller may use, so the token alone is a safe cache key.
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain('CogauthAuthorizerLambdaFunction');

    const routes = ofType(t, 'AWS::ApiGatewayV2::Route');
    for (const [, route] of routes) {
      expect(route.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: name } });
    }
  });

  it('routes exactly the routes of rules.json, on both APIs', () => {
    const t = template(defaultDir);
    const httpApiRoutes = ofType(t, 'AWS::ApiGatewayV2::Route').map(([, r]) => String(r.Properties.RouteKey));
    expect(httpApiRoutes.sort()).toEqual(ruleRoutes());

    const paths = new Map<string, string>();
    for (const [key, resource] of ofType(t, 'AWS::ApiGateway::Resource')) {
      paths.set(key, String(resource.Properties.PathPart));
    }
    const restRoutes = ofType(t, 'AWS::ApiGateway::Method').map(([, method]) => {
      const resourceRef = (method.Properties.ResourceId as { Ref: string }).Ref;
      const path =
        resourceRef === 'ApiGatewayResourceMessagesIdVar' ? '/messages/{id}' : `/${paths.get(resourceRef)}`;
      return `${String(method.Properties.HttpMethod)} ${path}`;
    });
    expect(restRoutes.sort()).toEqual(ruleRoutes());
  });

  it('lets both APIs invoke the authorizer', () => {
    const t = template(defaultDir);
    const invokers = ofType(t, 'AWS::Lambda::Permission')
      .filter(([, p]) =>
        JSON.stringify(p.Properties.FunctionName).includes('CogauthAuthorizerLambdaFunction'),
      )
      .map(([, p]) => JSON.stringify(p.Properties.SourceArn));
    expect(invokers).toHaveLength(2);
    expect(invokers.some((arn) => arn.includes('"ApiGatewayRestApi"'))).toBe(true);
    expect(invokers.some((arn) => arn.includes('"HttpApi"'))).toBe(true);
  });

  it('runs every function on nodejs22.x / arm64, the authorizer from the core bundle with its COGAUTH_* env', () => {
    const t = template(defaultDir);
    const functions = ofType(t, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(1 + BACKEND_FUNCTIONS.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    }
    const authorizer = t.Resources.CogauthAuthorizerLambdaFunction as Resource;
    expect(authorizer.Properties.Handler).toBe('index.handler');
    expect(authorizer.Properties.Environment).toEqual({
      Variables: {
        COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
        COGAUTH_CLIENT_IDS: 'sample-client',
        COGAUTH_TOKEN_USE: 'access',
        COGAUTH_RULES_FILE: 'rules.json',
        COGAUTH_HTTP_API_RESPONSE: 'iam',
      },
    });
  });

  it('adds no alarm and no dashboard unless monitoring is asked for', () => {
    const t = template(defaultDir);
    expect(ofType(t, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(ofType(t, 'AWS::CloudWatch::Dashboard')).toEqual([]);
  });

  it('zips the authorizer bundle and its rules, nothing else', () => {
    const entries = readZip(join(defaultDir, 'cogauthAuthorizer.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual(['index.mjs', 'rules.json']);
    const bundle = entries.find((e) => e.name === 'index.mjs');
    expect(sha256(bundle?.data ?? Buffer.alloc(0))).toBe(sha256(readFileSync(CORE_BUNDLE)));
    const rules = entries.find((e) => e.name === 'rules.json');
    expect(rules?.data.toString('utf8')).toBe(readFileSync(SAMPLE_RULES_FILE, 'utf8'));
    console.log(`cogauthAuthorizer.zip: ${statSync(join(defaultDir, 'cogauthAuthorizer.zip')).size} bytes`);
  });

  it('zips each backend function with the backend bundle only', () => {
    for (const fn of BACKEND_FUNCTIONS) {
      const entries = readZip(join(defaultDir, `${fn}.zip`));
      expect(entries.map((e) => e.name)).toEqual(['dist/backend/index.mjs']);
      expect(entries[0]?.data.equals(readFileSync(BACKEND_BUNDLE))).toBe(true);
    }
  });
});

describe('serverless package with parameters', () => {
  it('passes stage, region and every --param through to the template', () => {
    const t = template(overrideDir);
    const authorizer = t.Resources.CogauthAuthorizerLambdaFunction as Resource;
    expect(authorizer.Properties.FunctionName).toBe('cogauth-sample-prod-cogauthAuthorizer');
    expect(authorizer.Properties.Environment).toMatchObject({
      Variables: {
        COGAUTH_USER_POOL_ID: 'eu-west-1_AbC123',
        COGAUTH_CLIENT_IDS: 'client-one,client-two',
        COGAUTH_TOKEN_USE: 'id',
        COGAUTH_JWKS_FILE: 'jwks.json',
      },
    });
    const [[, rest]] = ofType(t, 'AWS::ApiGateway::Authorizer') as [[string, Resource]];
    const [[, httpApi]] = ofType(t, 'AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(rest.Properties.AuthorizerResultTtlInSeconds).toBe(60);
    expect(httpApi.Properties.AuthorizerResultTtlInSeconds).toBe(60);
    const state = JSON.parse(readFileSync(join(overrideDir, 'serverless-state.json'), 'utf8')) as {
      service: { provider: { region: string; stage: string } };
    };
    expect(state.service.provider).toMatchObject({ region: 'eu-west-1', stage: 'prod' });
  });

  it('adds the five alarms and the dashboard with --param="monitoring=true"', () => {
    const t = template(overrideDir);
    const authorizer = t.Resources.CogauthAuthorizerLambdaFunction as Resource;
    expect(authorizer.Properties.Environment).toMatchObject({
      Variables: { COGAUTH_METRICS: 'emf', COGAUTH_METRICS_NAMESPACE: 'Cogauth' },
    });
    expect(ofType(t, 'AWS::CloudWatch::Alarm').map(([id]) => id)).toEqual([
      'CogauthAuthorizerJwksFailuresAlarm',
      'CogauthAuthorizerErrorsAlarm',
      'CogauthAuthorizerThrottlesAlarm',
      'CogauthAuthorizerDurationAlarm',
      'CogauthAuthorizerRefusalsAlarm',
    ]);
    // The sample's 10 s timeout: the duration alarm fires at 8 s.
    expect(t.Resources.CogauthAuthorizerDurationAlarm?.Properties.Threshold).toBe(8000);
    expect(ofType(t, 'AWS::CloudWatch::Dashboard').map(([id]) => id)).toEqual(['CogauthAuthorizerDashboard']);
  });

  it('ships an embedded jwks.json inside the authorizer zip only', () => {
    const entries = readZip(join(overrideDir, 'cogauthAuthorizer.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual(['index.mjs', 'jwks.json', 'rules.json']);
    expect(JSON.parse(entries.find((e) => e.name === 'jwks.json')?.data.toString('utf8') ?? '')).toEqual(
      JSON.parse(EMBEDDED_JWKS),
    );
    for (const fn of BACKEND_FUNCTIONS) {
      expect(readZip(join(overrideDir, `${fn}.zip`)).map((e) => e.name)).toEqual(['dist/backend/index.mjs']);
    }
  });
});

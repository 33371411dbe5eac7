/**
 * What a user installs: `pnpm pack` @cogauth/core and @cogauth/cdk, `npm install` the tarballs into a CDK
 * app outside the workspace that defines its own REST and HTTP APIs, `cdk synth` offline with no AWS
 * credentials, then run the synthesized authorizer asset on real-shaped events with tokens whose keys a JWKS
 * server on 127.0.0.1 serves.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const CORE_DIR = join(PACKAGE_DIR, '..', 'core');
const APP_FILES = fileURLToPath(new URL('./app', import.meta.url));
const POOL = 'us-east-1_Consumer1';
const CLIENT = 'consumerclient1';

type Resource = { Type: string; Properties?: Record<string, unknown> };
let dir: string;
let resources: [string, Resource][];
let assetDir: string;
let env: Record<string, string>;
let jwks: JwksServer | undefined;

/** The environment of a machine with no AWS credentials or configuration, and no workspace variables. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(AWS_|CDK_|COGAUTH_|npm_|PNPM_)/i.test(k)) base[k] = v;
  const nowhere = join(dir, 'no-aws');
  return {
    ...base,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

async function pack(packageDir: string): Promise<string> {
  await run('pnpm', ['pack', '--pack-destination', dir], { cwd: packageDir, timeout: 60_000 });
  const name = readdirSync(dir).find(
    (f) => f.endsWith('.tgz') && f.includes(packageDir.endsWith('core') ? 'core' : 'cdk'),
  );
  if (name === undefined) throw new Error(`pnpm pack left no tarball for ${packageDir}`);
  return join(dir, name);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogauth-cdk-consumer-'));
  const core = await pack(CORE_DIR);
  const cdk = await pack(PACKAGE_DIR);
  const versions = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).devDependencies;
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: {
        '@cogauth/cdk': `file:${cdk}`,
        '@cogauth/core': `file:${core}`,
        'aws-cdk-lib': versions['aws-cdk-lib'],
        constructs: versions.constructs,
        'aws-cdk': versions['aws-cdk'],
      },
      // The packed @cogauth/cdk depends on @cogauth/core by version: take it from the tarball, not the registry.
      overrides: { '@cogauth/core': `file:${core}` },
    }),
  );
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'node app.mjs' }));
  for (const f of ['app.mjs', 'run-bundle.mjs']) copyFileSync(join(APP_FILES, f), join(dir, f));
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
    cwd: dir,
    timeout: 120_000,
    env: cleanEnv(),
  });
  await run(process.execPath, [join(dir, 'node_modules/aws-cdk/bin/cdk'), 'synth', '--no-notices', '-q'], {
    cwd: dir,
    timeout: 120_000,
    env: cleanEnv({ CDK_DISABLE_VERSION_CHECK: '1' }),
  });
  const template = JSON.parse(readFileSync(join(dir, 'cdk.out', 'ConsumerStack.template.json'), 'utf8'));
  resources = Object.entries(template.Resources as Record<string, Resource>);
  const fn = resources.find(([, r]) => r.Type === 'AWS::Lambda::Function')?.[1].Properties ?? {};
  assetDir = join(dir, 'cdk.out', `asset.${(fn.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);
  env = (fn.Environment as { Variables: Record<string, string> }).Variables;
}, 300_000);

afterAll(async () => {
  await jwks?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

describe('a CDK app that installed the packed tarballs', () => {
  it('synthesizes offline: the bundle function, a TOKEN authorizer and an IAM-policy HTTP authorizer', () => {
    const fns = ofType('AWS::Lambda::Function');
    expect(fns).toHaveLength(1);
    expect(fns[0]?.[1].Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
    expect(env).toMatchObject({
      COGAUTH_USER_POOL_ID: POOL,
      COGAUTH_CLIENT_IDS: CLIENT,
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
    });
    const [[restAuthId, restAuth]] = ofType('AWS::ApiGateway::Authorizer') as [[string, Resource]];
    expect(restAuth.Properties).toMatchObject({ Type: 'TOKEN', AuthorizerResultTtlInSeconds: 300 });
    const [[httpAuthId, httpAuth]] = ofType('AWS::ApiGatewayV2::Authorizer') as [[string, Resource]];
    expect(httpAuth.Properties).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization'],
    });
    const methods = ofType('AWS::ApiGateway::Method').map(([, m]) => m.Properties ?? {});
    expect(methods).toHaveLength(2);
    for (const m of methods)
      expect(m).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: restAuthId } });
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {});
    expect(routes).toHaveLength(2);
    for (const r of routes)
      expect(r).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: httpAuthId } });
  });

  it('stages exactly the installed @cogauth/core bundle as the asset', () => {
    expect(readdirSync(assetDir)).toEqual(['index.mjs']);
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
    expect(sha(join(assetDir, 'index.mjs'))).toBe(
      sha(join(dir, 'node_modules/@cogauth/core/dist/lambda/index.mjs')),
    );
  });

  it('answers REST TOKEN and HTTP API 2.0 events as the rules say, with keys from a JWKS server', async () => {
    const key = generateTestKey({ alg: 'RS256' });
    const server = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
    jwks = server;
    const token = (groups?: string[], signer = key) =>
      `Bearer ${signJwt(cognitoAccessClaims({ issuer: server.issuer, clientId: CLIENT, ...(groups ? { groups } : {}) }), signer)}`;
    const reader = token();
    const writer = token(['writers']);
    const forged = token(['writers'], generateTestKey({ alg: 'RS256', kid: key.kid }));
    const arn = (method: string) =>
      `arn:aws:execute-api:us-east-1:123456789012:abc123/prod/${method}/messages`;
    const v2 = (header: string, method: string) => ({
      version: '2.0',
      type: 'REQUEST',
      routeKey: `${method} /messages`,
      routeArn: `arn:aws:execute-api:us-east-1:123456789012:abc123/$default/${method}/messages`,
      identitySource: [header],
      headers: { authorization: header },
    });
    const events = [
      { type: 'TOKEN', authorizationToken: reader, methodArn: arn('GET') },
      { type: 'TOKEN', authorizationToken: reader, methodArn: arn('POST') },
      { type: 'TOKEN', authorizationToken: forged, methodArn: arn('GET') },
      v2(writer, 'POST'),
      v2(reader, 'POST'),
    ];
    writeFileSync(join(dir, 'events.json'), JSON.stringify(events));
    // The deployed environment; only the issuer points at the local server instead of Cognito.
    const { stdout } = await run(
      process.execPath,
      [join(dir, 'run-bundle.mjs'), join(assetDir, 'index.mjs'), join(dir, 'events.json')],
      {
        cwd: assetDir,
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          ...env,
          COGAUTH_ISSUER: server.issuer,
          LAMBDA_TASK_ROOT: assetDir,
        },
      },
    );
    const results = JSON.parse(stdout.slice(stdout.lastIndexOf('\n') + 1)) as {
      result?: { policyDocument: { Statement: { Effect: string; Resource: string[] }[] } };
      error?: string;
    }[];
    const effects = (i: number) =>
      (results[i]?.result?.policyDocument.Statement ?? []).map((s) => `${s.Effect} ${s.Resource.join(' ')}`);
    expect(effects(0)).toEqual([`Allow ${arn('GET')}`]);
    expect(effects(1)).toEqual([`Allow ${arn('GET')}`, `Deny ${arn('POST')}`]);
    expect(results[2]).toEqual({ error: 'Unauthorized' });
    const v2Arn = (m: string) => `arn:aws:execute-api:us-east-1:123456789012:abc123/$default/${m}/messages`;
    expect(effects(3)).toEqual([`Allow ${v2Arn('GET')} ${v2Arn('POST')}`]);
    expect(effects(4)).toEqual([`Allow ${v2Arn('GET')}`, `Deny ${v2Arn('POST')}`]);
    expect(server.jwksRequestCount()).toBeGreaterThan(0);
    // No token reaches the log lines.
    expect(stdout).not.toContain(reader.slice(7));
  });
});

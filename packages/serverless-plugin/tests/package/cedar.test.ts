import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateTestKey, jwksOf, readZip, signJwt } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, copyFixtureService, OSLS_BIN, type ServiceCopy } from '../helpers/fixture-service.js';

// `osls package` of the fixture service with `custom.cogauth.cedar` in place of the rules (policies that read
// the path and the query string), run once; the assertions read its template and zip, and run the zip.

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const run = promisify(execFile);
const key = generateTestKey({ kid: 'plugin-cedar' });
const POLICIES = `permit (principal in MyApi::UserGroup::"us-east-1_AbC123|developer", action == MyApi::Action::"get /hello", resource);
@id("search")
permit (principal, action == MyApi::Action::"post /hello", resource) when { context.queryStringParameters has q };
`;
let service: ServiceCopy | undefined;
let outDir = '';
let resources: Resource[] = [];

beforeAll(async () => {
  service = copyFixtureService('cogauth-plugin-cedar-');
  outDir = join(service.root, 'out');
  const dir = service.serviceDir;
  writeFileSync(join(dir, 'policies.cedar'), POLICIES);
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwksOf(key)));
  const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8')
    .replace(/^ {4}rulesFile: \$\{param:rulesFile\}$/m, '    cedar: { policiesFile: policies.cedar }')
    .replace(
      / {6}- websocket: \{ route: \$connect, authorizer: cogauth \}/,
      '      - websocket: { route: $connect }',
    );
  writeFileSync(join(dir, 'serverless.cedar.yml'), yml);
  mkdirSync(outDir);
  await run(
    process.execPath,
    [OSLS_BIN, 'package', '--config', 'serverless.cedar.yml', '--stage', 'test', '--package', outDir],
    {
      cwd: dir,
      env: cleanEnv(service.root, { FIXTURE_JWKS_FILE: 'jwks.json' }),
      timeout: 230_000,
    },
  );
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  resources = Object.values(template.Resources as Record<string, Resource>);
}, 240_000);

afterAll(() => service?.remove());

const ofType = (type: string) => resources.filter((r) => r.Type === type).map((r) => r.Properties);

describe('osls package with custom.cogauth.cedar', () => {
  it('turns every authorizer cache off, with a REQUEST authorizer for the query string', () => {
    expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([
      expect.objectContaining({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 }),
    ]);
    const http = ofType('AWS::ApiGatewayV2::Authorizer').filter(
      (a) => a.AuthorizerPayloadFormatVersion === '2.0',
    );
    expect(http).toEqual([
      expect.objectContaining({ AuthorizerResultTtlInSeconds: 0, EnableSimpleResponses: false }),
    ]);
  });

  it('names the policies in the environment (no rules) and states the cache is off', () => {
    const fn = resources.find(
      (r) => r.Properties.FunctionName === 'cogauth-plugin-fixture-test-cogauthAuthorizer',
    );
    expect((fn?.Properties.Environment as { Variables: unknown } | undefined)?.Variables).toEqual({
      COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
      COGAUTH_CLIENT_IDS: 'fixture-client',
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_JWKS_FILE: 'jwks.json',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
      COGAUTH_HTTP_API_CACHE: 'off',
      COGAUTH_REST_API_CACHE: 'off',
      COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
    });
  });

  it('zips the Cedar bundle, its .wasm, the policies and the JWKS; the zip answers as the policies say', () => {
    const root = join(service?.root as string, 'task');
    mkdirSync(root);
    const entries = readZip(join(outDir, 'cogauthAuthorizer.zip'));
    expect(entries.map((e) => e.name).sort()).toEqual([
      'cedar_wasm_bg.wasm',
      'index.mjs',
      'jwks.json',
      'policies.cedar',
    ]);
    for (const e of entries) writeFileSync(join(root, e.name), e.data);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        sub: 's',
        iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
        token_use: 'access',
        client_id: 'fixture-client',
        'cognito:groups': ['developer'],
        iat: now,
        exp: now + 600,
      },
      key,
    );
    const arn = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/test/';
    const event = (resource: string, query: Record<string, string> | null) => ({
      type: 'REQUEST',
      methodArn: arn + resource,
      headers: { Authorization: `Bearer ${token}` },
      pathParameters: null,
      queryStringParameters: query,
    });
    const events = [event('GET/hello', null), event('POST/hello', { q: 'x' }), event('POST/hello', null)];
    const script = `const { handler } = await import(${JSON.stringify(join(root, 'index.mjs'))});
      const out = [];
      for (const e of ${JSON.stringify(events)}) out.push((await handler(e)).policyDocument.Statement.map((s) => s.Effect).join());
      console.log(JSON.stringify(out));`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      LAMBDA_TASK_ROOT: root,
      COGAUTH_USER_POOL_ID: 'us-east-1_AbC123',
      COGAUTH_CLIENT_IDS: 'fixture-client',
      COGAUTH_JWKS_FILE: 'jwks.json',
      COGAUTH_JWKS_OFFLINE: 'true',
      COGAUTH_REST_API_CACHE: 'off',
      COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
    };
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout.trim().split('\n').pop() as string)).toEqual(['Allow', 'Allow', 'Allow,Deny']);
  });
});

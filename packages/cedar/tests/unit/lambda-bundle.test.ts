import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCedarEnvironment, writeCedarEnvironment } from '../../src/index.js';
import { ISS, POOL } from '../helpers/store.js';

/*
 * `@cogauth/cedar/lambda-bundle` as Lambda runs it: the built dist/lambda/ directory (index.mjs and the
 * engine's .wasm) copied into a task root with the policy files, imported by a fresh node process with the
 * function's environment, its handler called with an API Gateway event.
 */

const BUNDLE = fileURLToPath(new URL('../../dist/lambda/', import.meta.url));
const key = generateTestKey({ kid: 'bundle' });
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cogauth-cedar-bundle-'));
  for (const name of readdirSync(BUNDLE)) copyFileSync(join(BUNDLE, name), join(root, name));
  writeFileSync(
    join(root, 'policies.cedar'),
    'permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|developer", action == MyApi::Action::"get /users", resource);\n',
  );
  writeFileSync(join(root, 'bad.cedar'), '// two lines\npermit (principal, action == , resource);\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function env(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    LAMBDA_TASK_ROOT: root,
    COGAUTH_USER_POOL_ID: POOL,
    COGAUTH_CLIENT_IDS: '*',
    COGAUTH_JWKS: JSON.stringify(jwksOf(key)),
    COGAUTH_JWKS_OFFLINE: 'true',
    ...extra,
  };
}

/** Imports the bundle in a fresh process and answers `event`, or prints the init error. */
function invoke(environment: Record<string, string>, event: unknown): { answer?: unknown; error?: string } {
  const script = `
    try {
      const { handler } = await import(${JSON.stringify(join(root, 'index.mjs'))});
      const answer = await handler(${JSON.stringify(event)}).catch((e) => ({ thrown: e.message }));
      console.log(JSON.stringify({ answer }));
    } catch (e) {
      console.log(JSON.stringify({ error: e.name + ': ' + e.message }));
    }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: environment,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

function token(groups: string[]): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      sub: 's1',
      iss: ISS,
      token_use: 'access',
      client_id: 'c',
      'cognito:groups': groups,
      iat: now,
      exp: now + 600,
    },
    key,
  );
}

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';

describe('the Cedar Lambda bundle', () => {
  it('decides with the policies file the environment names', () => {
    const vars = env(writeCedarEnvironment({ policies: { file: 'policies.cedar' } }));
    const event = (t: string, resource: string) => ({
      type: 'TOKEN',
      authorizationToken: `Bearer ${t}`,
      methodArn: ARN + resource,
    });
    const developer = invoke(vars, event(token(['developer']), 'GET/users'));
    expect(developer.answer).toMatchObject({
      principalId: 's1',
      policyDocument: { Statement: [{ Effect: 'Allow', Resource: [`${ARN}GET/users`] }] },
    });
    const other = invoke(vars, event(token([]), 'GET/users'));
    expect(other.answer).toMatchObject({
      policyDocument: { Statement: [{ Effect: 'Deny', Resource: [`${ARN}*`] }] },
    });
  });

  it('a policy that does not parse stops the cold start, naming the variable, the policy and where', () => {
    const result = invoke(env({ COGAUTH_CEDAR_POLICIES_FILE: 'bad.cedar' }), {});
    expect(result.error).toMatch(/^ConfigError: COGAUTH_CEDAR_POLICIES_FILE: policy0 at line 2, column 30: /);
  });

  it('refuses rules beside the policies, and a missing policies file', () => {
    const both = invoke(
      env({ COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar', COGAUTH_RULES: '[{"route":"GET /x"}]' }),
      {},
    );
    expect(both.error).toMatch(/^ConfigError: COGAUTH_RULES: cannot be combined with an access model/);
    expect(invoke(env({}), {}).error).toBe(
      'ConfigError: COGAUTH_CEDAR_POLICIES_FILE: is required (the Cedar policies file; or COGAUTH_CEDAR_POLICIES, the text)',
    );
  });

  it('takes the policies inline too (COGAUTH_CEDAR_POLICIES), but not both ways at once', () => {
    const text = 'permit (principal, action == MyApi::Action::"get /users", resource);';
    expect(readCedarEnvironment({ COGAUTH_CEDAR_POLICIES: text }).actions.map((a) => a.id)).toEqual([
      'get /users',
    ]);
    expect(() =>
      readCedarEnvironment({ COGAUTH_CEDAR_POLICIES: text, COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar' }),
    ).toThrow(
      /^COGAUTH_CEDAR_POLICIES_FILE: set either COGAUTH_CEDAR_POLICIES or COGAUTH_CEDAR_POLICIES_FILE/,
    );
    expect(() => readCedarEnvironment({ COGAUTH_CEDAR_POLICIES: 'permit (' })).toThrow(
      /^COGAUTH_CEDAR_POLICIES: policy0 at line 1/,
    );
  });

  it('readCedarEnvironment names the schema variable for a schema error', () => {
    writeFileSync(join(root, 'schema.json'), '{ "MyApi": ');
    expect(() =>
      readCedarEnvironment({
        LAMBDA_TASK_ROOT: root,
        COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar',
        COGAUTH_CEDAR_SCHEMA_FILE: 'schema.json',
      }),
    ).toThrow(/^COGAUTH_CEDAR_SCHEMA_FILE: is not valid JSON/);
  });
});

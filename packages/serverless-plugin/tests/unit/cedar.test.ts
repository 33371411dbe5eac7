import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { applyCedarCache, cedarSetup } from '../../src/cedar.js';
import { readSettings } from '../../src/config.js';
import { environmentOf } from '../../src/environment.js';
import { httpApiAuthorizer } from '../../src/events.js';
import { validateWithCore } from '../../src/validate.js';

/*
 * custom.cogauth.cedar: Cedar policies (and a schema) in place of rules, validated with @cogauth/cedar at
 * package time, shipped as files with @cogauth/cedar's bundle, and the cache set so that API Gateway never
 * serves a per-request answer to another request.
 */

const dir = mkdtempSync(join(tmpdir(), 'cogauth-plugin-cedar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'token.cedar'),
  'permit (principal in MyApi::UserGroup::"us-east-1_AbC123|developer", action == MyApi::Action::"get /users", resource);\n',
);
writeFileSync(
  join(dir, 'request.cedar'),
  'permit (principal, action == MyApi::Action::"get /users/{id}", resource) when { context.token.username == context.pathParameters.id };\n',
);
writeFileSync(
  join(dir, 'query.cedar'),
  'permit (principal, action == MyApi::Action::"get /search", resource) when { context.queryStringParameters has q };\n',
);
writeFileSync(join(dir, 'bad.cedar'), '// first\npermit (principal, action == , resource);\n');

const pool = { userPoolId: 'us-east-1_AbC123', clientIds: 'client-1' };

async function prepared(config: Record<string, unknown>) {
  const settings = readSettings({ ...pool, ...config }, dir);
  const cedar = await cedarSetup(settings);
  if (cedar === undefined) throw new Error('no cedar');
  applyCedarCache(settings, cedar);
  validateWithCore(settings, undefined, true, cedar.files, cedar);
  validateWithCore(settings, undefined, false, cedar.files, cedar);
  return { settings, cedar };
}

async function refusal(promise: Promise<unknown>): Promise<ConfigError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('custom.cogauth.cedar', () => {
  it('ships the Cedar bundle, its .wasm and the policies; the environment names the file, no rules', async () => {
    const { settings, cedar } = await prepared({ cedar: { policiesFile: 'token.cedar' } });
    expect(cedar.files.map((f) => f.name)).toEqual(['index.mjs', 'cedar_wasm_bg.wasm', 'policies.cedar']);
    const packaged = environmentOf(settings, undefined, true, undefined, cedar);
    expect(packaged).toMatchObject({ COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar' });
    expect(packaged).not.toHaveProperty('COGAUTH_RULES_FILE');
    expect(packaged).not.toHaveProperty('COGAUTH_REST_API_CACHE');
    // serverless offline runs without the task root's files: the policies go inline.
    expect(environmentOf(settings, undefined, false, undefined, cedar)).toMatchObject({
      COGAUTH_CEDAR_POLICIES: expect.stringContaining('permit (principal in MyApi::UserGroup'),
    });
    expect(settings.resultTtlSeconds).toBe(300);
  });

  it('a policy that does not parse stops the command, naming the setting, the file, the policy and where', async () => {
    const err = await refusal(prepared({ cedar: { policiesFile: 'bad.cedar' } }));
    expect(err.message).toMatch(
      /^custom\.cogauth\.cedar\.policiesFile \(bad\.cedar\): policy0 at line 2, column 30: /,
    );
  });

  it('files stay inside the service; rules or cedar, not both', async () => {
    expect(() => readSettings({ ...pool, cedar: { policiesFile: '../x.cedar' } }, dir)).toThrow(
      /custom\.cogauth\.cedar\.policiesFile: must be a file inside the service directory/,
    );
    expect(() =>
      readSettings({ ...pool, rules: [{ route: 'GET /a' }], cedar: { policiesFile: 'token.cedar' } }, dir),
    ).toThrow('custom.cogauth.rules: cannot be combined with cedar');
    expect(() => readSettings({ ...pool, cedar: { policies: 'token.cedar' } }, dir)).toThrow(
      'custom.cogauth.cedar.policies: is not a known setting',
    );
  });

  it('per-request policies: TTL 0 by default and stated to the authorizer; any other TTL is refused', async () => {
    const { settings, cedar } = await prepared({ cedar: { policiesFile: 'request.cedar' } });
    expect(settings.resultTtlSeconds).toBe(0);
    expect(httpApiAuthorizer(settings)).toMatchObject({ resultTtlInSeconds: 0 });
    expect(environmentOf(settings, undefined, true, undefined, cedar)).toMatchObject({
      COGAUTH_REST_API_CACHE: 'off',
      COGAUTH_HTTP_API_CACHE: 'off',
    });
    const err = await refusal(prepared({ cedar: { policiesFile: 'request.cedar' }, resultTtlSeconds: 300 }));
    expect(err.message).toMatch(
      /^custom\.cogauth\.resultTtlSeconds: must be 0 with these Cedar policies: they read the request for get \/users\/\{id\}/,
    );
  });

  it('policies reading the query string get a REQUEST authorizer; an explicit TOKEN one is refused', async () => {
    const { settings } = await prepared({ cedar: { policiesFile: 'query.cedar' } });
    expect(settings.restAuthorizerType).toBe('request');
    const err = await refusal(
      prepared({ cedar: { policiesFile: 'query.cedar' }, restAuthorizerType: 'token' }),
    );
    expect(err.field).toBe('custom');
    expect(err.message).toMatch(/^custom\.cogauth\.restAuthorizerType: must be 'request'/);
  });
});

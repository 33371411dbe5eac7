import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  cognitoAccessClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthorizerHandler, AuthorizerPolicyResult, DecisionLog } from '../../src/index.js';
import { handlerFromEnv } from '../../src/lambda.js';
import { configError, evaluatePolicy, placeOf } from '../helpers/assertions.js';
import {
  accessToken,
  CLIENT_ID,
  httpApiEvent,
  key,
  POOL_ID,
  PREFIX,
  SAMPLE_RULES,
  tokenEvent,
} from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'cogauth-lambda-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const JWKS = JSON.stringify(jwksOf(key()));
writeFileSync(join(dir, 'rules.json'), JSON.stringify(SAMPLE_RULES));
writeFileSync(join(dir, 'jwks.json'), JWKS);

const good = {
  COGAUTH_USER_POOL_ID: POOL_ID,
  COGAUTH_CLIENT_IDS: CLIENT_ID,
  COGAUTH_TOKEN_USE: 'access',
  COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
  COGAUTH_JWKS: JWKS,
};

/** An AppSync Lambda authorizer event (no `type`, `requestContext.apiId`). */
function appSyncEvent(authorizationToken: string): Record<string, unknown> {
  return {
    authorizationToken,
    requestContext: {
      apiId: 'abcdefghijklmnopqrstuvwxyz',
      accountId: '123456789012',
      requestId: 'req-1',
      queryString: '{ messages { id } }',
      operationName: 'List',
      variables: {},
    },
  };
}

async function allowsGetMessages(handler: AuthorizerHandler): Promise<void> {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  const result = (await handler(tokenEvent(`Bearer ${accessToken()}`))) as AuthorizerPolicyResult;
  expect(evaluatePolicy(result, `${PREFIX}GET/messages`)).toBe('Allow');
  expect(evaluatePolicy(result, `${PREFIX}POST/messages`)).toBe('Deny');
}

describe('handlerFromEnv', () => {
  it('builds a working handler from the variables', async () => {
    await allowsGetMessages(handlerFromEnv(good));
  });

  it('reads COGAUTH_RULES_FILE and COGAUTH_JWKS_FILE relative to LAMBDA_TASK_ROOT', async () => {
    const { COGAUTH_RULES: _r, COGAUTH_JWKS: _j, ...rest } = good;
    await allowsGetMessages(
      handlerFromEnv({
        ...rest,
        LAMBDA_TASK_ROOT: dir,
        COGAUTH_RULES_FILE: 'rules.json',
        COGAUTH_JWKS_FILE: 'jwks.json',
      }),
    );
  });

  it('reads COGAUTH_RULES_FILE relative to the working directory without LAMBDA_TASK_ROOT', async () => {
    const { COGAUTH_RULES: _r, ...rest } = good;
    await allowsGetMessages(
      handlerFromEnv({ ...rest, COGAUTH_RULES_FILE: 'tests/helpers/sample-rules.json' }),
    );
  });

  it('falls back to the working directory when LAMBDA_TASK_ROOT lacks the file (serverless-offline sets /var/task)', async () => {
    const { COGAUTH_RULES: _r, ...rest } = good;
    await allowsGetMessages(
      handlerFromEnv({
        ...rest,
        LAMBDA_TASK_ROOT: '/var/task',
        COGAUTH_RULES_FILE: 'tests/helpers/sample-rules.json',
      }),
    );
    expect(() =>
      handlerFromEnv({ ...rest, LAMBDA_TASK_ROOT: dir, COGAUTH_RULES_FILE: 'nowhere.json' }),
    ).toThrow(/COGAUTH_RULES_FILE: cannot read nowhere.json \(ENOENT/);
  });

  it('defaults COGAUTH_TOKEN_USE to access, accepts id/any, * for client ids, several issuers', async () => {
    const { COGAUTH_TOKEN_USE: _t, ...rest } = good;
    await allowsGetMessages(handlerFromEnv(rest));
    await allowsGetMessages(handlerFromEnv({ ...good, COGAUTH_TOKEN_USE: 'any', COGAUTH_CLIENT_IDS: '*' }));
    await allowsGetMessages(
      handlerFromEnv({
        ...good,
        COGAUTH_CLIENT_IDS: ` other , ${CLIENT_ID} `,
        COGAUTH_ISSUER: `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}, http://127.0.0.1:9229/${POOL_ID}`,
        COGAUTH_GRACE_SECONDS: '5',
      }),
    );
    const idOnly = handlerFromEnv({ ...good, COGAUTH_TOKEN_USE: 'id' });
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(idOnly(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow(/^Unauthorized$/);
  });

  it('answers HTTP API events per COGAUTH_HTTP_API_RESPONSE', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const byDefault = handlerFromEnv(good);
    expect(await byDefault(httpApiEvent(`Bearer ${accessToken()}`, 'GET/me'))).toHaveProperty(
      'policyDocument',
    );
    const simple = handlerFromEnv({ ...good, COGAUTH_HTTP_API_RESPONSE: 'simple' });
    expect(await simple(httpApiEvent(`Bearer ${accessToken()}`, 'GET/me'))).toMatchObject({
      isAuthorized: true,
    });
  });

  it('caps graceSeconds at 300 in COGAUTH_POOLS as in COGAUTH_GRACE_SECONDS: one rule', () => {
    const pool = { userPoolId: POOL_ID, clientId: CLIENT_ID, tokenUse: 'access', jwks: JSON.parse(JWKS) };
    const withGrace = (graceSeconds: unknown) =>
      handlerFromEnv({
        COGAUTH_POOLS: JSON.stringify([pool, { ...pool, userPoolId: 'us-east-1_OtherPool2', graceSeconds }]),
        COGAUTH_RULES: good.COGAUTH_RULES,
      });
    for (const bad of [3600, 301, 1.5, -1]) {
      expect(() => withGrace(bad)).toThrow(
        /^COGAUTH_POOLS\[1\]\.graceSeconds: must be an integer from 0 to 300$/,
      );
      expect(() => handlerFromEnv({ ...good, COGAUTH_GRACE_SECONDS: String(bad) })).toThrow(
        /^COGAUTH_GRACE_SECONDS: must be an integer from 0 to 300$/,
      );
    }
    expect(withGrace(300)).toBeTypeOf('function');
    expect(handlerFromEnv({ ...good, COGAUTH_GRACE_SECONDS: '300' })).toBeTypeOf('function');
  });

  it('COGAUTH_HTTP_API_CACHE=off lets simple responses answer coarse route keys', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const e = { ...httpApiEvent(`Bearer ${accessToken()}`, 'GET/me'), routeKey: '$default' };
    const simple = { ...good, COGAUTH_HTTP_API_RESPONSE: 'simple' };
    expect(await handlerFromEnv(simple)(e)).toMatchObject({ isAuthorized: false });
    expect(await handlerFromEnv({ ...simple, COGAUTH_HTTP_API_CACHE: 'off' })(e)).toMatchObject({
      isAuthorized: true,
    });
  });

  it('COGAUTH_POOLS overrides the single-pool variables', async () => {
    const pools = [{ userPoolId: POOL_ID, clientId: CLIENT_ID, tokenUse: 'access', jwks: JSON.parse(JWKS) }];
    await allowsGetMessages(
      handlerFromEnv({
        COGAUTH_POOLS: JSON.stringify(pools),
        COGAUTH_RULES: good.COGAUTH_RULES,
        COGAUTH_USER_POOL_ID: 'x',
      }),
    );
  });

  it.each([
    [{ COGAUTH_USER_POOL_ID: undefined }, 'COGAUTH_USER_POOL_ID'],
    [{ COGAUTH_USER_POOL_ID: '  ' }, 'COGAUTH_USER_POOL_ID'],
    [{ COGAUTH_USER_POOL_ID: 'not-a-pool' }, 'COGAUTH_USER_POOL_ID'],
    [{ COGAUTH_CLIENT_IDS: undefined }, 'COGAUTH_CLIENT_IDS'],
    [{ COGAUTH_CLIENT_IDS: ' , ' }, 'COGAUTH_CLIENT_IDS'],
    [{ COGAUTH_CLIENT_IDS: `*,${CLIENT_ID}` }, 'COGAUTH_CLIENT_IDS'],
    [{ COGAUTH_TOKEN_USE: 'refresh' }, 'COGAUTH_TOKEN_USE'],
    [{ COGAUTH_RULES: undefined }, 'COGAUTH_RULES'],
    [{ COGAUTH_RULES: '[{"route":' }, 'COGAUTH_RULES'],
    [{ COGAUTH_RULES: '[{"route":"GET /a"},{"route":"FETCH /b"}]' }, 'COGAUTH_RULES'],
    [{ COGAUTH_RULES: '[]' }, 'COGAUTH_RULES'],
    [{ COGAUTH_RULES_FILE: 'rules.json' }, 'COGAUTH_RULES_FILE'],
    [{ COGAUTH_RULES: undefined, COGAUTH_RULES_FILE: 'missing.json' }, 'COGAUTH_RULES_FILE'],
    [{ COGAUTH_ISSUER: 'ftp://example.com/pool' }, 'COGAUTH_ISSUER'],
    [{ COGAUTH_JWKS_URI: 'not a url' }, 'COGAUTH_JWKS_URI'],
    [{ COGAUTH_JWKS: '{"keys": 1}' }, 'COGAUTH_JWKS'],
    [{ COGAUTH_JWKS: '{"keys":[{"kty":"RSA","kid":"k"}]}' }, 'COGAUTH_JWKS'],
    [{ COGAUTH_JWKS: '{' }, 'COGAUTH_JWKS'],
    [{ COGAUTH_JWKS: undefined, COGAUTH_JWKS_FILE: 'nope.json' }, 'COGAUTH_JWKS_FILE'],
    [{ COGAUTH_JWKS_FILE: 'jwks.json' }, 'COGAUTH_JWKS_FILE'],
    [{ COGAUTH_GRACE_SECONDS: '-1' }, 'COGAUTH_GRACE_SECONDS'],
    [{ COGAUTH_GRACE_SECONDS: 'soon' }, 'COGAUTH_GRACE_SECONDS'],
    [{ COGAUTH_GRACE_SECONDS: '3600' }, 'COGAUTH_GRACE_SECONDS'],
    [{ COGAUTH_HTTP_API_RESPONSE: 'xml' }, 'COGAUTH_HTTP_API_RESPONSE'],
    [{ COGAUTH_HTTP_API_CACHE: 'maybe' }, 'COGAUTH_HTTP_API_CACHE'],
    [{ COGAUTH_POOLS: '{}' }, 'COGAUTH_POOLS'],
    [{ COGAUTH_POOLS: '[]' }, 'COGAUTH_POOLS'],
    [{ COGAUTH_POOLS: 'nope' }, 'COGAUTH_POOLS'],
    [{ COGAUTH_POOLS: '[{"userPoolId":"bad","clientId":null,"tokenUse":"id"}]' }, 'COGAUTH_POOLS'],
  ])('%j -> ConfigError naming %s', (change, field) => {
    expect(configError(() => handlerFromEnv({ ...good, LAMBDA_TASK_ROOT: dir, ...change })).field).toBe(
      field,
    );
  });

  it('answers AppSync events (the library entry, not the bundle), with COGAUTH_APPSYNC_TTL_SECONDS', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    const handler = handlerFromEnv({ ...good, COGAUTH_APPSYNC_TTL_SECONDS: '120' });
    const allowed = await handler(appSyncEvent(`Bearer ${accessToken()}`));
    expect(allowed).toMatchObject({ isAuthorized: true, deniedFields: [] });
    expect((allowed as { ttlOverride: number }).ttlOverride).toBeGreaterThan(0);
    expect((allowed as { ttlOverride: number }).ttlOverride).toBeLessThanOrEqual(120);
    expect(await handler(appSyncEvent('Bearer nope'))).toEqual({ isAuthorized: false, ttlOverride: 0 });
    for (const bad of ['3601', '-1', '1.5', 'soon']) {
      const error = configError(() => handlerFromEnv({ ...good, COGAUTH_APPSYNC_TTL_SECONDS: bad }));
      expect(placeOf(error)).toBe('COGAUTH_APPSYNC_TTL_SECONDS');
      expect(error.message).toMatch(/from 0 to 3600/);
    }
  });

  it('keeps the bad rule in the message', () => {
    expect(() =>
      handlerFromEnv({ ...good, COGAUTH_RULES: '[{"route":"GET /a"},{"route":"FETCH /b"}]' }),
    ).toThrow(/^COGAUTH_RULES\[1\]\.route: invalid route "FETCH \/b"/);
  });
});

describe('module entry', () => {
  it('src/lambda.ts (`@cogauth/core/lambda`) has no import-time effects: it imports without any COGAUTH_* variable', async () => {
    for (const k of Object.keys(good)) vi.stubEnv(k, '');
    vi.resetModules();
    const mod: Record<string, unknown> = await import('../../src/lambda.js');
    expect(Object.keys(mod).sort()).toEqual([
      'handlerFromEnv',
      'readEnvironment',
      'readVerifierEnvironment',
      'writeEnvironment',
    ]);
    expect(() => (mod.handlerFromEnv as typeof handlerFromEnv)()).toThrow(
      /^COGAUTH_USER_POOL_ID: is required/,
    );
  });

  it('src/lambda-entry.ts (the bundle entry) configures `handler` from process.env at import and throws a ConfigError when unset', async () => {
    for (const [k, v] of Object.entries(good)) vi.stubEnv(k, v);
    vi.resetModules();
    const mod = await import('../../src/authorizer/bundle-entry.js');
    await allowsGetMessages(mod.handler);
    vi.stubEnv('COGAUTH_CLIENT_IDS', '');
    vi.resetModules();
    await expect(import('../../src/authorizer/bundle-entry.js')).rejects.toThrow(/COGAUTH_CLIENT_IDS/);
  });

  it('the built bundle dist/lambda/index.mjs authorizes a TOKEN event', async () => {
    const bundle = join(import.meta.dirname, '../../dist/lambda/index.mjs');
    expect(statSync(bundle).size).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(good)) vi.stubEnv(k, v);
    const mod = (await import(`${pathToFileURL(bundle).href}?fresh=${Date.now()}`)) as {
      handler: AuthorizerHandler;
    };
    await allowsGetMessages(mod.handler);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(mod.handler(tokenEvent('Bearer nope'))).rejects.toThrow(/^Unauthorized$/);
    vi.stubEnv('COGAUTH_TOKEN_USE', 'refresh');
    await expect(import(`${pathToFileURL(bundle).href}?bad=${Date.now()}`)).rejects.toThrow(
      /COGAUTH_TOKEN_USE/,
    );
  });
  it('the built bundle is the API Gateway authorizer only: an AppSync event is EVENT_UNSUPPORTED, and none of the AppSync answer is in it', async () => {
    const bundle = join(import.meta.dirname, '../../dist/lambda/index.mjs');
    const text = readFileSync(bundle, 'utf8');
    // The bundle registers the API Gateway event kinds only: the AppSync reader and answer are left out.
    for (const word of ['resolverContext', 'operationName']) {
      expect(text).not.toContain(word);
    }
    for (const [k, v] of Object.entries(good)) vi.stubEnv(k, v);
    const mod = (await import(`${pathToFileURL(bundle).href}?appsync=${Date.now()}`)) as {
      handler: AuthorizerHandler;
    };
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await expect(mod.handler(appSyncEvent(`Bearer ${accessToken()}`))).rejects.toThrow(/^Unauthorized$/);
    expect(JSON.parse(String(log.mock.calls.at(-1)?.[0]))).toMatchObject({ reason: 'EVENT_UNSUPPORTED' });
  });

  it('the built bundle fetches its JWKS, caches results and refuses bad tokens with the right reason', async () => {
    const rsa = generateTestKey({ alg: 'RS256', kid: 'bundle-rs' });
    const ec = generateTestKey({ alg: 'ES256', kid: 'bundle-ec' });
    const stranger = generateTestKey({ alg: 'RS256', kid: 'bundle-unknown' });
    const server = await startJwksServer({ jwks: jwksOf(rsa, ec), poolId: POOL_ID });
    try {
      for (const [k, v] of Object.entries({
        COGAUTH_USER_POOL_ID: POOL_ID,
        COGAUTH_CLIENT_IDS: CLIENT_ID,
        COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
        COGAUTH_ISSUER: server.issuer,
        COGAUTH_JWKS_URI: server.jwksUrl,
      })) {
        vi.stubEnv(k, v);
      }
      const bundle = join(import.meta.dirname, '../../dist/lambda/index.mjs');
      const mod = (await import(`${pathToFileURL(bundle).href}?fetch=${Date.now()}`)) as {
        handler: AuthorizerHandler;
      };
      const lines: DecisionLog[] = [];
      vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(JSON.parse(line)));
      const mint = (key: typeof rsa, groups: string[] = [], ttlSeconds = 600) =>
        signJwt(
          cognitoAccessClaims({
            issuer: server.issuer,
            poolId: POOL_ID,
            clientId: CLIENT_ID,
            groups,
            ttlSeconds,
          }),
          key,
        );

      const writer = mint(rsa, ['writers']);
      for (let i = 0; i < 3; i++) {
        const result = (await mod.handler(
          tokenEvent(`Bearer ${writer}`, 'POST/messages'),
        )) as AuthorizerPolicyResult;
        expect(evaluatePolicy(result, `${PREFIX}POST/messages`)).toBe('Allow');
        expect(evaluatePolicy(result, `${PREFIX}DELETE/messages/1`)).toBe('Deny');
      }
      const ecResult = (await mod.handler(
        tokenEvent(`Bearer ${mint(ec)}`, 'DELETE/messages/1'),
      )) as AuthorizerPolicyResult;
      expect(evaluatePolicy(ecResult, `${PREFIX}DELETE/messages/1`)).toBe('Deny');
      expect(server.requestCount()).toBe(1);

      const ecToken = mint(ec);
      const tampered = `${ecToken.slice(0, -4)}${ecToken.endsWith('AAAA') ? 'QAAA' : 'AAAA'}`;
      for (const token of [mint(stranger), mint(rsa, [], -60), tampered]) {
        await expect(mod.handler(tokenEvent(`Bearer ${token}`))).rejects.toThrow(/^Unauthorized$/);
      }
      expect(lines.map((l) => l.reason)).toEqual([
        'ALLOWED',
        'ALLOWED',
        'ALLOWED',
        'ROUTE_NOT_PERMITTED',
        'KID_UNKNOWN',
        'TOKEN_EXPIRED',
        'SIGNATURE_INVALID',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('a handlerFromEnv ConfigError', () => {
  it('carries the place inside the variable and the bare message as data (deploy tools map the path)', () => {
    const rule = configError(() =>
      handlerFromEnv({ ...good, COGAUTH_RULES: '[{"route":"GET /a"},{"route":"BAD"}]' }),
    );
    expect(rule.path).toEqual(['COGAUTH_RULES', 1, 'route']);
    expect(rule.field).toBe('COGAUTH_RULES');
    expect(rule.detail).toMatch(/^invalid route "BAD"/);
    expect(rule.message).toBe(`COGAUTH_RULES[1].route: ${rule.detail}`);
    const pool = configError(() => handlerFromEnv({ ...good, COGAUTH_USER_POOL_ID: 'not a pool' }));
    expect(pool.path).toEqual(['COGAUTH_USER_POOL_ID']);
    expect(pool.detail).toMatch(/^must look like/);
  });
});

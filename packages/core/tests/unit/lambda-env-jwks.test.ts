import { generateTestKey, type JwksServer, jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handlerFromEnv } from '../../src/lambda.js';
import { configError } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, POOL_ID, SAMPLE_RULES, tokenEvent } from '../helpers/fixtures.js';

// The Lambda's JWKS lifecycle variables: COGAUTH_JWKS_MAX_AGE_SECONDS and COGAUTH_JWKS_OFFLINE.
let server: JwksServer;
const rotated = generateTestKey({ alg: 'RS256', kid: 'authz-rotated' });

beforeAll(async () => {
  server = await startJwksServer({ poolId: POOL_ID, jwks: jwksOf(rotated) });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.resetCount();
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const env = (extra: Record<string, string> = {}) => ({
  COGAUTH_USER_POOL_ID: POOL_ID,
  COGAUTH_CLIENT_IDS: CLIENT_ID,
  COGAUTH_RULES: JSON.stringify(SAMPLE_RULES),
  COGAUTH_JWKS: JSON.stringify(jwksOf(key())),
  COGAUTH_JWKS_URI: server.jwksUrl,
  ...extra,
});
const allowed = async (handler: ReturnType<typeof handlerFromEnv>, token: string) =>
  handler(tokenEvent(`Bearer ${token}`)).then(
    () => true,
    () => false,
  );

describe('COGAUTH_JWKS_MAX_AGE_SECONDS', () => {
  it('refreshes the embedded set after that many seconds (default: one hour)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now());
    const short = handlerFromEnv(env({ COGAUTH_JWKS_MAX_AGE_SECONDS: '60' }));
    const long = handlerFromEnv(env());
    const token = accessToken();
    expect(await allowed(short, token)).toBe(true);
    vi.setSystemTime(Date.now() + 60_000);
    // Upstream publishes only the rotated key now: the embedded one stops verifying.
    expect(await allowed(short, token)).toBe(false);
    expect(server.jwksRequestCount()).toBe(1);
    expect(await allowed(long, token)).toBe(true);
    expect(server.jwksRequestCount()).toBe(1);
  });
});

describe('COGAUTH_JWKS_OFFLINE', () => {
  it('true: the embedded JWKS is the only key set, nothing is ever fetched', async () => {
    const offline = handlerFromEnv(env({ COGAUTH_JWKS_OFFLINE: 'true' }));
    expect(await allowed(offline, accessToken())).toBe(true);
    expect(await allowed(offline, accessToken(rotated, {}))).toBe(false);
    expect(server.requestCount()).toBe(0);
    // Without it, the unknown kid is looked up.
    expect(await allowed(handlerFromEnv(env()), accessToken(rotated, {}))).toBe(true);
    expect(server.jwksRequestCount()).toBe(1);
  });

  it('needs an embedded JWKS', () => {
    const { COGAUTH_JWKS: _j, ...rest } = env({ COGAUTH_JWKS_OFFLINE: 'true' });
    expect(() => handlerFromEnv(rest)).toThrow(/^COGAUTH_JWKS(_FILE)?: .*is required offline/);
  });
});

describe('bad values name their variable', () => {
  it.each([
    ['COGAUTH_JWKS_MAX_AGE_SECONDS', '0'],
    ['COGAUTH_JWKS_MAX_AGE_SECONDS', '1h'],
    ['COGAUTH_JWKS_MAX_AGE_SECONDS', '86401'],
    ['COGAUTH_JWKS_OFFLINE', 'yes'],
  ])('%s=%s', (name, value) => {
    expect(configError(() => handlerFromEnv(env({ [name]: value }))).field).toBe(name);
  });
});

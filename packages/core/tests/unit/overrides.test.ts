import { describe, expect, it } from 'vitest';
import { ConfigError, type CustomCheckInput, VerifyError, type VerifyOverrides } from '../../src/index.js';
import { configError, expectCode, placeOf } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, idToken, key, localVerifier } from '../helpers/fixtures.js';

// Per-call overrides with aws-jwt-verify's meaning, the customCheck hook and the audience option.

describe('verify(token, overrides)', () => {
  it('applies each override for this call only', async () => {
    const verifier = localVerifier();
    const token = accessToken(key(), { groups: ['readers'], scope: 'messages/read' });
    await expectCode(() => verifier.verify(token, { groups: 'admin' }), 'GROUP_NOT_ALLOWED', token);
    await expectCode(() => verifier.verify(token, { scopes: ['messages/write'] }), 'SCOPE_NOT_ALLOWED');
    await expectCode(() => verifier.verify(token, { clientId: 'otherclient' }), 'AUDIENCE_INVALID');
    await expectCode(() => verifier.verify(token, { tokenUse: 'id' }), 'TOKEN_USE_INVALID');
    await expectCode(() => verifier.verify(token, { audience: 'https://api.example' }), 'AUDIENCE_INVALID');
    expect(() => verifier.verifySync(token, { groups: ['admin'] })).toThrow(VerifyError);
    await expect(verifier.verify(token, { groups: ['admin', 'readers'] })).resolves.toBeDefined();
    expect(verifier.verifySync(token, { scopes: 'messages/read' }).sub).toBeTypeOf('string');
    // Without overrides the pool's own checks apply again.
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });

  it('runs the overrides on a result served from the cache too', async () => {
    const verifier = localVerifier();
    const token = accessToken(key(), { groups: ['readers'] });
    const first = await verifier.verify(token);
    await expectCode(() => verifier.verify(token, { groups: 'admin' }), 'GROUP_NOT_ALLOWED');
    expect(() => verifier.verifySync(token, { groups: 'admin' })).toThrow(/groups/);
    expect(await verifier.verify(token, { groups: 'readers' })).toBe(first);
  });

  it('null turns a check off for the call; a loosened result never reaches the cache', async () => {
    const verifier = localVerifier({ groups: 'admin' });
    const token = accessToken(key(), { clientId: 'otherclient', groups: ['readers'] });
    await expect(verifier.verify(token, { clientId: null, groups: null })).resolves.toBeDefined();
    await expectCode(() => verifier.verify(token), 'AUDIENCE_INVALID');
    expect(() => verifier.verifySync(token)).toThrow(/client/);
    const id = idToken(key());
    await expect(verifier.verify(id, { tokenUse: null, groups: null })).resolves.toBeDefined();
  });

  it('treats an undefined override as absent (the pool value stays)', async () => {
    const verifier = localVerifier({ groups: 'admin' });
    const token = accessToken(key(), { groups: ['readers'] });
    await expectCode(() => verifier.verify(token, { groups: undefined }), 'GROUP_NOT_ALLOWED');
  });

  it.each<[string, unknown, string]>([
    ['an unknown key', { grups: 'admin' }, 'overrides.grups'],
    ["aws-jwt-verify's scope", { scope: 'a' }, 'overrides.scope'],
    ["aws-jwt-verify's customJwtCheck", { customJwtCheck: () => {} }, 'overrides.customJwtCheck'],
    ['a bad value', { groups: [] }, 'overrides.groups'],
    ['a bad tokenUse', { tokenUse: 'refresh' }, 'overrides.tokenUse'],
    ['a bad customCheck', { customCheck: 'yes' }, 'overrides.customCheck'],
    ['not an object', 'admin', 'overrides'],
  ])('refuses %s with a ConfigError naming it', async (_name, overrides, field) => {
    const verifier = localVerifier();
    const token = accessToken();
    const error = await verifier.verify(token, overrides as VerifyOverrides).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(placeOf(error as ConfigError)).toBe(field);
    expect(placeOf(configError(() => verifier.verifySync(token, overrides as VerifyOverrides)))).toBe(field);
  });

  it('hints at the cogauth name for an aws-jwt-verify one', () => {
    const error = configError(() =>
      localVerifier().verifySync(accessToken(), { scope: 'x' } as VerifyOverrides),
    );
    expect(error.message).toMatch(/scopes/);
  });
});

describe('customCheck', () => {
  it('runs after the standard checks with the header and claims; a throw is CUSTOM_CHECK_FAILED', async () => {
    const seen: CustomCheckInput[] = [];
    const verifier = localVerifier({
      customCheck: (input) => {
        seen.push(input);
        if (input.payload.username === 'mallory') throw new Error('mallory is banned');
      },
    });
    await expect(verifier.verify(accessToken(key(), { username: 'alice' }))).resolves.toBeDefined();
    expect(seen[0]?.header).toEqual({ alg: 'RS256', kid: key().kid });
    expect(seen[0]?.payload.username).toBe('alice');
    const token = accessToken(key(), { username: 'mallory' });
    const error = await expectCode(() => verifier.verify(token), 'CUSTOM_CHECK_FAILED', token);
    expect(error.message).toMatch(/mallory is banned/);
    expect((error.cause as Error).message).toBe('mallory is banned');
    // Standard checks come first: an expired token never reaches the hook.
    const before = seen.length;
    await expectCode(() => verifier.verify(accessToken(key(), { ttlSeconds: -10 })), 'TOKEN_EXPIRED');
    expect(seen).toHaveLength(before);
  });

  it('may be async, and runs on cache hits too (a revocation list takes effect at once)', async () => {
    const revoked = new Set<string>();
    const verifier = localVerifier({
      customCheck: async ({ payload }) => {
        await Promise.resolve();
        if (revoked.has(payload.sub)) throw new Error('revoked');
      },
    });
    const token = accessToken();
    const claims = await verifier.verify(token);
    revoked.add(claims.sub);
    await expectCode(() => verifier.verify(token), 'CUSTOM_CHECK_FAILED', token);
  });

  it('verifySync refuses an async check instead of ignoring it', () => {
    const verifier = localVerifier({ customCheck: async () => {} });
    expect(() => verifier.verifySync(accessToken())).toThrow(/synchronous/);
    const sync = localVerifier({
      customCheck: () => {
        throw new Error('no');
      },
    });
    const token = accessToken();
    expect(() => sync.verifySync(token)).toThrow(VerifyError);
    // And on a hit: verify() caches the standard result, the hook still runs.
    expect(() => sync.verifySync(token)).toThrow(/customCheck refused/);
  });

  it('a per-call customCheck replaces the pool one; null drops it for the call', async () => {
    const verifier = localVerifier({
      customCheck: () => {
        throw new Error('pool check');
      },
    });
    const token = accessToken();
    await expectCode(() => verifier.verify(token), 'CUSTOM_CHECK_FAILED');
    await expect(verifier.verify(token, { customCheck: null })).resolves.toBeDefined();
    const error = await expectCode(
      () =>
        verifier.verify(token, {
          customCheck: () => {
            throw new Error('call check');
          },
        }),
      'CUSTOM_CHECK_FAILED',
    );
    expect(error.message).toMatch(/call check/);
  });
});

describe('audience (Cognito resource binding)', () => {
  const api = 'https://api.example.com';

  it("checks an access token's aud, string or array, any-of", async () => {
    const verifier = localVerifier({ audience: [api, 'urn:other'] });
    await expect(verifier.verify(accessToken(key(), { overrides: { aud: api } }))).resolves.toBeDefined();
    await expect(
      verifier.verify(accessToken(key(), { overrides: { aud: ['urn:x', 'urn:other'] } })),
    ).resolves.toBeDefined();
    const wrong = accessToken(key(), { overrides: { aud: 'https://evil.example' } });
    await expectCode(() => verifier.verify(wrong), 'AUDIENCE_INVALID', wrong);
    const none = accessToken();
    const error = await expectCode(() => verifier.verify(none), 'AUDIENCE_INVALID', none);
    expect(error.message).toMatch(/no aud/);
  });

  it('leaves ID tokens to clientId (their aud is the app client)', async () => {
    const verifier = localVerifier({ tokenUse: null, audience: api });
    await expect(verifier.verify(idToken(key(), { clientId: CLIENT_ID }))).resolves.toBeDefined();
  });
});

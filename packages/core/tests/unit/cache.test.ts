import { cognitoAccessClaims, signJwt } from '@cogauth/test-fixtures';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResultCache } from '../../src/verify/result-cache.js';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, key, localVerifier, POOL_ID } from '../helpers/fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return (ms: number) => vi.setSystemTime(Date.now() + ms);
}

describe('verified-result cache', () => {
  it('is on by default: a repeated token returns the same verified result', async () => {
    const verifier = localVerifier();
    const token = accessToken();
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(verifier.verifySync(token)).toBe(first);
  });

  it('can be disabled', async () => {
    const verifier = localVerifier({}, { cache: false });
    const token = accessToken();
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('never serves an entry at or after the token exp, even on a hit', async () => {
    const advance = fakeClock();
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID, overrides: { exp } }), key());
    // A generous grace would let a *fresh* verification pass; the cached entry must still end at exp.
    const verifier = localVerifier({ graceSeconds: 0 });
    await verifier.verify(token);
    advance(59_000);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    vi.setSystemTime(exp * 1000);
    await expectCode(() => verifier.verify(token), 'TOKEN_EXPIRED', token);
    await expectCode(() => verifier.verifySync(token), 'TOKEN_EXPIRED', token);
  });

  it('with grace, a cached entry still ends at exp and the token is re-verified under grace', async () => {
    const advance = fakeClock();
    const exp = Math.floor(Date.now() / 1000) + 10;
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID, overrides: { exp } }), key());
    const verifier = localVerifier({ graceSeconds: 30 });
    const first = await verifier.verify(token);
    advance(20_000);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first); // not served from the cache past exp
    advance(25_000);
    await expectCode(() => verifier.verify(token), 'TOKEN_EXPIRED', token);
  });

  it('never caches failures', async () => {
    const advance = fakeClock();
    // nbf 90 s ahead: beyond the 60 s clock-skew tolerance, then within it 31 s later.
    const nbf = Math.floor(Date.now() / 1000) + 90;
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID, overrides: { nbf } }), key());
    const verifier = localVerifier();
    await expectCode(() => verifier.verify(token), 'TOKEN_NOT_YET_VALID', token);
    await expectCode(() => verifier.verify(token), 'TOKEN_NOT_YET_VALID', token);
    advance(31_000);
    await expect(verifier.verify(token)).resolves.toMatchObject({ nbf });
  });

  it('a failed check is not turned into a hit by the cache (rules are per verifier)', async () => {
    const token = accessToken(key(), { groups: ['readers'] });
    await expect(localVerifier().verify(token)).resolves.toBeDefined();
    await expectCode(() => localVerifier({ groups: 'admin' }).verify(token), 'GROUP_NOT_ALLOWED', token);
  });

  it('is bounded: the least recently used entry is evicted', async () => {
    const verifier = localVerifier({}, { cache: { maxEntries: 2 } });
    const [a, b, c] = [accessToken(), accessToken(), accessToken()] as [string, string, string];
    const ra = await verifier.verify(a);
    const rb = await verifier.verify(b);
    expect(await verifier.verify(a)).toBe(ra); // a is now the most recent
    const rc = await verifier.verify(c); // evicts b
    expect(await verifier.verify(a)).toBe(ra);
    expect(await verifier.verify(c)).toBe(rc);
    const rb2 = await verifier.verify(b);
    expect(rb2).not.toBe(rb);
    expect(rb2).toEqual(rb);
  });
});

describe('ResultCache', () => {
  it('holds at most maxEntries', () => {
    const cache = new ResultCache<number>(3);
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, i, 10_000, 0);
    expect(cache.size).toBe(3);
    expect(cache.get('k99', 0)).toBe(99);
    expect(cache.get('k96', 0)).toBeUndefined();
  });

  it('never exceeds maxEntries, and evicts the least recently used first', () => {
    const cache = new ResultCache<number>(100);
    for (let i = 0; i < 1_000; i++) {
      cache.set(`token-${i}`, i, 10_000, 0);
      if (i === 50) cache.get('token-0', 0); // touch: token-0 becomes the most recent
      expect(cache.size).toBeLessThanOrEqual(100);
    }
    expect(cache.get('token-999', 0)).toBe(999);
    expect(cache.get('token-0', 0)).toBeUndefined();
    expect(cache.get('token-500', 0)).toBeUndefined();
  });

  it('a different token sharing the indexed tail is a miss and keeps the entry', () => {
    const cache = new ResultCache<string>(10);
    const tail = 'x'.repeat(40);
    cache.set(`aaaa.${tail}`, 'A', 10_000, 0);
    expect(cache.get(`bbbb.${tail}`, 0)).toBeUndefined();
    expect(cache.get(`aaaa.${tail}`, 0)).toBe('A');
  });

  it('drops an entry once its deadline is reached and refuses already-expired entries', () => {
    const cache = new ResultCache<string>(10);
    cache.set('a', 'A', 1_000, 0);
    expect(cache.get('a', 999)).toBe('A');
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('b', 'B', 500, 500);
    expect(cache.size).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import { type JwksServer, jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type CognitoVerifierOptions,
  ConfigError,
  createCognitoVerifier,
  type VerifierSettings,
} from '../../src/index.js';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, POOL_ID } from '../helpers/fixtures.js';

// Keys follow the JWKS: a real JWKS server on 127.0.0.1, only Date is faked.
let server: JwksServer;
const keyA = key('RS256', 'a');
const keyB = key('RS256', 'b');
const MAX_AGE = 60_000;

beforeAll(async () => {
  server = await startJwksServer({ poolId: POOL_ID });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setJwks(jwksOf(keyA));
  server.setResponder(null);
  server.resetCount();
});
afterEach(() => {
  vi.useRealTimers();
});

function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return (ms: number) => vi.setSystemTime(Date.now() + ms);
}

function options(extra: Partial<CognitoVerifierOptions> = {}): CognitoVerifierOptions {
  return {
    userPoolId: POOL_ID,
    issuer: server.issuer,
    jwksUri: server.jwksUrl,
    tokenUse: 'access',
    clientId: CLIENT_ID,
    ...extra,
  };
}
const verifierOf = (settings: VerifierSettings = {}, extra: Partial<CognitoVerifierOptions> = {}) =>
  createCognitoVerifier(options(extra), { jwksMaxAgeMs: MAX_AGE, ...settings });
const tokenOf = (k = keyA, header?: Record<string, unknown>) =>
  accessToken(k, { issuer: server.issuer, sub: randomUUID() }, header);

describe('a key removed upstream stops verifying within the max age', () => {
  it('fetched set, the same token again (result cache on) and a fresh one', async () => {
    const advance = fakeClock();
    const verifier = verifierOf();
    const token = tokenOf();
    await verifier.verify(token);
    server.setJwks(jwksOf(keyB)); // A is revoked upstream
    advance(MAX_AGE - 1);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(1);
    advance(1);
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    await expectCode(() => verifier.verify(tokenOf()), 'KID_UNKNOWN');
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(2);
  });

  it('preloaded set: the endpoint, once asked, is the truth', async () => {
    const advance = fakeClock();
    server.setJwks(jwksOf(keyB));
    const verifier = verifierOf({}, { jwks: jwksOf(keyA) });
    const token = tokenOf();
    await verifier.verify(token);
    expect(server.jwksRequestCount()).toBe(0);
    advance(MAX_AGE);
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(1);
  });

  it('verifySync, which never waits, refreshes in the background past the max age', async () => {
    const advance = fakeClock();
    const verifier = verifierOf({}, { jwks: jwksOf(keyA) });
    const token = tokenOf();
    expect(verifier.verifySync(token).token_use).toBe('access');
    server.setJwks(jwksOf(keyB));
    advance(MAX_AGE);
    // This call still uses the set in memory and starts the refresh.
    expect(verifier.verifySync(token).token_use).toBe('access');
    await vi.waitFor(() => expect(server.jwksRequestCount()).toBe(1));
    await vi.waitFor(() => expect(() => verifier.verifySync(token)).toThrow(/kid/));
    expect(verifier.verifySync(tokenOf(keyB)).token_use).toBe('access');
  });

  it('a key dropped by a rotation fetch also drops the results verified with it', async () => {
    const verifier = verifierOf();
    const token = tokenOf();
    await verifier.verify(token);
    server.setJwks(jwksOf(keyB));
    await verifier.verify(tokenOf(keyB)); // unknown kid: fetches, and A is gone
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
  });
});

describe('unknown kids', () => {
  it('a rotated kid right after the first fetch refetches at once', async () => {
    const verifier = verifierOf();
    await verifier.verify(tokenOf());
    server.setJwks(jwksOf(keyA, keyB));
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(2);
  });

  it('a flood of unknown kids costs at most one GET per penalty window', async () => {
    const advance = fakeClock();
    const verifier = verifierOf({ jwksPenaltyMs: 5_000 });
    await verifier.verify(tokenOf());
    const flood = () =>
      Promise.all(
        Array.from({ length: 100 }, () =>
          expectCode(() => verifier.verify(tokenOf(keyB, { kid: randomUUID() })), 'KID_UNKNOWN'),
        ),
      );
    for (let window = 0; window < 3; window++) {
      await flood();
      for (let i = 0; i < 20; i++)
        await expectCode(() => verifier.verify(tokenOf(keyB, { kid: randomUUID() })), 'KID_UNKNOWN');
      expect(server.jwksRequestCount()).toBe(2 + window);
      advance(5_000);
    }
    // Known keys are never held up by the flood.
    await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
  });

  it('an empty kid is KID_UNKNOWN and fetches nothing', async () => {
    const verifier = verifierOf();
    const token = tokenOf(keyA, { kid: '' });
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN', token);
    expect(server.jwksRequestCount()).toBe(0);
  });
});

describe('an outage keeps the old set', () => {
  it('past the max age, a failing endpoint is retried with back-off and the old keys keep verifying', async () => {
    const advance = fakeClock();
    const verifier = verifierOf({ cache: false });
    await verifier.verify(tokenOf());
    server.setResponder((_req, res) => void res.writeHead(503).end());
    advance(MAX_AGE);
    await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(2);
    // Back-off: 1 s, then 2 s, then 4 s.
    for (const wait of [1_000, 2_000, 4_000]) {
      advance(wait - 1);
      await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
      const before = server.jwksRequestCount();
      advance(1);
      await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
      expect(server.jwksRequestCount()).toBe(before + 1);
    }
    // Recovered: the next retry replaces the set, and then the set is fresh for another max age.
    server.setResponder(null);
    server.setJwks(jwksOf(keyB));
    advance(8_000);
    await expectCode(() => verifier.verify(tokenOf()), 'KID_UNKNOWN');
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    const settled = server.jwksRequestCount();
    advance(MAX_AGE - 1);
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(settled);
  });
});

describe('offline (jwksOffline: true)', () => {
  it('never fetches: the preloaded set is the only truth', async () => {
    const advance = fakeClock();
    const verifier = verifierOf({ jwksOffline: true }, { jwks: jwksOf(keyA) });
    await verifier.hydrate();
    await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
    await expectCode(() => verifier.verify(tokenOf(keyB)), 'KID_UNKNOWN');
    advance(10 * MAX_AGE);
    await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
    expect(verifier.verifySync(tokenOf()).token_use).toBe('access');
    expect(server.requestCount()).toBe(0);
  });

  it('needs a preloaded JWKS for every pool', () => {
    let error: unknown;
    try {
      verifierOf({ jwksOffline: true });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('jwks');
  });
});

describe('cacheJwks / dropJwks at run time', () => {
  it('cacheJwks replaces the keys (and forgets results verified with a dropped key)', async () => {
    server.setJwks(jwksOf(keyB));
    const verifier = verifierOf({}, { jwks: jwksOf(keyA) });
    const token = tokenOf();
    await verifier.verify(token);
    verifier.cacheJwks(jwksOf(keyB));
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    // The cached result for A went with its key (the lookup refetches once: the endpoint has no A either).
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(1);
    expect(() => verifier.cacheJwks({ keys: [{ kty: 'oct', kid: 'x', k: 'c2VjcmV0' }] })).toThrow(
      ConfigError,
    );
  });

  it('dropJwks forgets the keys: the next verification fetches', async () => {
    const verifier = verifierOf({}, { jwks: jwksOf(keyB) });
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    verifier.dropJwks();
    await expect(verifier.verify(tokenOf())).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(1);
    await expectCode(() => verifier.verify(tokenOf(keyB)), 'KID_UNKNOWN');
  });

  it('with several pools, cacheJwks needs the pool: a userPoolId or issuer', async () => {
    const other = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other1';
    const verifier = createCognitoVerifier([
      options(),
      { userPoolId: 'eu-west-1_Other1', tokenUse: 'access', clientId: CLIENT_ID, jwks: jwksOf(keyB) },
    ]);
    expect(() => verifier.cacheJwks(jwksOf(keyA))).toThrow(/pool: is required/);
    expect(() => verifier.cacheJwks(jwksOf(keyA), 'us-west-2_Nope')).toThrow(ConfigError);
    verifier.cacheJwks(jwksOf(keyA), other);
    const otherToken = accessToken(keyA, { issuer: other });
    await expect(verifier.verify(otherToken)).resolves.toBeDefined();
    verifier.cacheJwks(jwksOf(keyB), POOL_ID);
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(0);
  });
});

describe('a fetch in flight when the keys are dropped or replaced (slow JWKS server)', () => {
  /**
   * The first JWKS request is answered only when `release()` is called, with the set the server held when
   * the request arrived (an answer already on its way when the pool rotated); later requests at once.
   */
  function holdFirstAnswer() {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.setResponder(async (_req, res, info) => {
      if (info.count === 1) await gate;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(info.jwks));
    });
    return release;
  }
  const firstRequest = () => vi.waitFor(() => expect(server.jwksRequestCount()).toBe(1));

  it('dropJwks: the old answer is discarded, and the waiting verification fetches again', async () => {
    const release = holdFirstAnswer();
    const verifier = verifierOf();
    const token = tokenOf();
    const waiting = expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    await firstRequest();
    server.setJwks(jwksOf(keyB)); // the pool rotates A out, and the operator drops the keys
    verifier.dropJwks();
    release(); // the first request answers with the set that still holds A
    await waiting;
    expect(server.jwksRequestCount()).toBe(2);
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
  });

  it('cacheJwks: the set the operator gave stays, the old answer is discarded', async () => {
    const release = holdFirstAnswer();
    const verifier = verifierOf();
    const token = tokenOf();
    const waiting = expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    await firstRequest();
    server.setJwks(jwksOf(keyB));
    verifier.cacheJwks(jwksOf(keyB));
    release();
    await waiting;
    // Checked against the operator's set: no second fetch, and A is not trusted.
    expect(server.jwksRequestCount()).toBe(1);
    await expectCode(() => verifier.verify(token), 'KID_UNKNOWN');
    await expect(verifier.verify(tokenOf(keyB))).resolves.toBeDefined();
  });

  it('hydrate: a fetch discarded by dropJwks is made again before hydrate resolves', async () => {
    const release = holdFirstAnswer();
    const verifier = verifierOf();
    const hydrated = verifier.hydrate();
    await firstRequest();
    server.setJwks(jwksOf(keyB));
    verifier.dropJwks();
    release();
    await hydrated;
    expect(server.jwksRequestCount()).toBe(2);
    expect(() => verifier.verifySync(tokenOf())).toThrow(/kid/);
    expect(verifier.verifySync(tokenOf(keyB)).token_use).toBe('access');
  });
});

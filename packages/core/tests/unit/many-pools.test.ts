import { randomUUID } from 'node:crypto';
import { generateTestKey, jwksOf } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  createCognitoVerifier,
  type PoolAllowEntry,
  type PoolIssuer,
  type PoolResolverOptions,
  type PoolSettings,
  type VerifierSettings,
} from '../../src/index.js';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key } from '../helpers/fixtures.js';
import { type PoolServer, startPoolServer } from '../helpers/pool-server.js';
import { countConnections } from '../helpers/sockets.js';

// ES256: signing 2,000 tokens stays well under a second.
const k = () => key('ES256');
let pools: PoolServer;

beforeAll(async () => {
  pools = await startPoolServer(jwksOf(k()));
});
afterAll(async () => {
  await pools.close();
});
beforeEach(() => pools.reset());
afterEach(() => {
  vi.useRealTimers();
});

const poolId = (i: number | string) => `local_p${i}`;
const tokenOf = (pool: string, client = CLIENT_ID, signer = k()) =>
  accessToken(signer, { issuer: pools.issuerOf(pool), clientId: client, sub: randomUUID() });

function allowList(entry: Partial<PoolAllowEntry> = {}, settings?: VerifierSettings) {
  return createCognitoVerifier(
    { allowPools: [{ endpoint: pools.endpoint, tokenUse: 'access', clientId: CLIENT_ID, ...entry }] },
    settings,
  );
}

function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return (ms: number) => vi.setSystemTime(Date.now() + ms);
}

describe('pools chosen at run time: 1,000 pools from one 127.0.0.1 server', () => {
  it('verifies tokens of 1,000 pools with one JWKS download per pool', async () => {
    const verifier = allowList({}, { maxPools: 1000, maxPoolFetches: 1000, jwksTimeoutMs: 15_000 });
    const ids = Array.from({ length: 1000 }, (_, i) => poolId(i));
    // Two distinct tokens per pool, the second while the first one's download may still be in flight;
    // 50 pools at a time, so a loaded machine does not time downloads out.
    for (let i = 0; i < ids.length; i += 50) {
      const batch = ids.slice(i, i + 50);
      await Promise.all(batch.flatMap((id) => [verifier.verify(tokenOf(id)), verifier.verify(tokenOf(id))]));
    }
    for (const id of ids) await verifier.verify(tokenOf(id));
    expect(pools.counts().size).toBe(1000);
    expect([...pools.counts().values()].every((n) => n === 1)).toBe(true);
    expect(pools.total()).toBe(1000);
  });

  it('keeps at most maxPools in memory and downloads a dropped pool again when a token needs it', async () => {
    const verifier = allowList({}, { maxPools: 2 });
    for (const id of ['local_a', 'local_b', 'local_c']) await verifier.verify(tokenOf(id));
    await verifier.verify(tokenOf('local_c'));
    await verifier.verify(tokenOf('local_b'));
    expect(pools.fetches('local_b')).toBe(1);
    await verifier.verify(tokenOf('local_a'));
    expect(pools.fetches('local_a')).toBe(2);
  });

  it('never serves a cached result of a dropped pool: the pool is resolved and its keys fetched anew', async () => {
    const verifier = allowList({}, { maxPools: 1 });
    const old = tokenOf('local_rotating');
    await verifier.verify(old);
    await verifier.verify(old); // a cache hit
    expect(pools.fetches('local_rotating')).toBe(1);
    // The pool rotates its key away while it is out of memory, then comes back with a token of the new key.
    const rotated = generateTestKey({ alg: 'ES256', kid: 'rotated' });
    pools.setJwks('local_rotating', jwksOf(rotated));
    await verifier.verify(tokenOf('local_other'));
    await verifier.verify(tokenOf('local_rotating', CLIENT_ID, rotated));
    expect(pools.fetches('local_rotating')).toBe(2);
    // The old token's cached result was verified under the pool's previous generation.
    await expectCode(() => verifier.verify(old), 'KID_UNKNOWN');
  });

  it('bounds downloads per 10 s whatever the tokens name, then lets them through again', async () => {
    const advance = fakeClock();
    const verifier = allowList({}, { maxPoolFetches: 5 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => verifier.verify(tokenOf(poolId(`budget${i}`)))),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason.code).toBe('JWKS_UNAVAILABLE');
    expect(pools.total()).toBe(5);
    advance(10_001);
    await verifier.verify(tokenOf(poolId('budget11')));
    expect(pools.total()).toBe(6);
  });
});

describe('an issuer the resolver does not accept costs no network call', () => {
  let sockets: ReturnType<typeof countConnections>;
  beforeEach(() => {
    sockets = countConnections();
  });
  afterEach(() => sockets.restore());

  const foreign = () => [
    tokenOf('local_unlisted'),
    accessToken(k(), { issuer: `http://127.0.0.1:${pools.server.port + 1}/local_p1` }),
    accessToken(k(), { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Unlisted1' }),
    accessToken(k(), { issuer: 'https://evil.example/us-east-1_AbC123' }),
    accessToken(k(), { issuer: `${pools.endpoint}/local_p1/../local_p2` }),
    accessToken(k(), { issuer: `${pools.endpoint}/local_p1/` }),
  ];

  it('allow-list: an unlisted pool, another port, another host or a longer path is ISSUER_INVALID', async () => {
    const verifier = allowList({ userPoolIds: ['local_p1', 'local_p2'] });
    for (const token of foreign()) await expectCode(() => verifier.verify(token), 'ISSUER_INVALID');
    expect(pools.total()).toBe(0);
    expect(sockets.count()).toBe(0);
    await verifier.verify(tokenOf('local_p1'));
    expect(sockets.count()).toBe(1);
  });

  it('callback: the resolver sees Cognito-shaped issuers only, and a refusal downloads nothing', async () => {
    const asked: PoolIssuer[] = [];
    const verifier = createCognitoVerifier({
      endpoint: pools.endpoint,
      resolvePool: (pool) => {
        asked.push(pool);
        return pool.userPoolId === 'local_p1' ? { tokenUse: 'access', clientId: CLIENT_ID } : undefined;
      },
    });
    for (const token of foreign()) await expectCode(() => verifier.verify(token), 'ISSUER_INVALID');
    expect(asked.map((p) => p.userPoolId)).toEqual(['local_unlisted', 'eu-west-1_Unlisted1']);
    expect(asked[1]).toEqual({
      issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Unlisted1',
      userPoolId: 'eu-west-1_Unlisted1',
      region: 'eu-west-1',
    });
    expect(pools.total()).toBe(0);
    expect(sockets.count()).toBe(0);
  });
});

describe('resolvePool: settings per pool', () => {
  const CLIENT_B = 'otherclient0123456789abcd';
  function byPool(resolve: PoolResolverOptions['resolvePool'], settings?: VerifierSettings) {
    return createCognitoVerifier({ endpoint: pools.endpoint, resolvePool: resolve }, settings);
  }

  it('applies each pool its own checks, asking once per pool even for concurrent tokens', async () => {
    const calls = new Map<string, number>();
    const verifier = byPool(async (pool) => {
      calls.set(pool.userPoolId, (calls.get(pool.userPoolId) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
      const clientId = pool.userPoolId === 'local_ta' ? CLIENT_ID : CLIENT_B;
      return { tokenUse: 'access', clientId } satisfies PoolSettings;
    });
    await Promise.all(Array.from({ length: 10 }, () => verifier.verify(tokenOf('local_ta'))));
    await verifier.verify(tokenOf('local_tb', CLIENT_B));
    await expectCode(() => verifier.verify(tokenOf('local_ta', CLIENT_B)), 'AUDIENCE_INVALID');
    await expectCode(() => verifier.verify(tokenOf('local_tb', CLIENT_ID)), 'AUDIENCE_INVALID');
    expect(Object.fromEntries(calls)).toEqual({ local_ta: 1, local_tb: 1 });
  });

  it('refuses settings that say where keys come from, and a resolver that throws, with no download', async () => {
    const sneaky = byPool(
      () => ({ tokenUse: 'access', clientId: null, jwksUri: 'http://127.0.0.1:1/x' }) as never,
    );
    await expectCode(() => sneaky.verify(tokenOf('local_x')), 'JWKS_UNAVAILABLE');
    const failing = byPool(async () => {
      throw new Error('tenant table unreachable');
    });
    await expectCode(() => failing.verify(tokenOf('local_x')), 'JWKS_UNAVAILABLE');
    expect(pools.total()).toBe(0);
  });

  it('asks again once the key set is past its max age, so an offboarded pool stops verifying', async () => {
    const advance = fakeClock();
    let tenants = new Set(['local_off']);
    const verifier = byPool((pool) =>
      tenants.has(pool.userPoolId) ? { tokenUse: 'access', clientId: CLIENT_ID } : undefined,
    );
    const token = tokenOf('local_off');
    await verifier.verify(token);
    tenants = new Set();
    await verifier.verify(token); // within the max age: still in memory
    advance(3_600_001);
    await expectCode(() => verifier.verify(token), 'ISSUER_INVALID');
  });

  it('dropJwks(pool) forgets the pool: the next token is resolved and downloaded again', async () => {
    let asked = 0;
    const verifier = byPool(() => {
      asked += 1;
      return { tokenUse: 'access', clientId: CLIENT_ID };
    });
    await verifier.verify(tokenOf('local_d'));
    verifier.dropJwks('local_d');
    await verifier.verify(tokenOf('local_d'));
    expect(asked).toBe(2);
    expect(pools.fetches('local_d')).toBe(2);
  });

  it('verifySync serves pools in memory only', async () => {
    const verifier = byPool(() => ({ tokenUse: 'access', clientId: CLIENT_ID }));
    expectCode(() => verifier.verifySync(tokenOf('local_s')), 'JWKS_UNAVAILABLE');
    await verifier.verify(tokenOf('local_s'));
    expect(verifier.verifySync(tokenOf('local_s')).iss).toBe(pools.issuerOf('local_s'));
  });
});

describe('pool resolver options are checked at creation', () => {
  const bad: [string, unknown, VerifierSettings | undefined, string][] = [
    [
      'no issuer source',
      { allowPools: [{ tokenUse: 'access', clientId: null }] },
      undefined,
      'options.allowPools[0]',
    ],
    [
      'any account',
      { allowPools: [{ regions: ['eu-west-1'], tokenUse: 'access', clientId: null }] },
      undefined,
      'options.allowPools[0].anyAccount',
    ],
    [
      'a pool outside the regions',
      {
        allowPools: [
          { regions: ['eu-west-1'], userPoolIds: ['us-east-1_AbC'], tokenUse: 'id', clientId: null },
        ],
      },
      undefined,
      'options.allowPools[0].userPoolIds[0]',
    ],
    [
      'not a region',
      { allowPools: [{ regions: ['mars-1'], tokenUse: 'id', clientId: 'c' }] },
      undefined,
      'options.allowPools[0].regions[0]',
    ],
    ['both forms', { allowPools: [], resolvePool: () => undefined }, undefined, 'options.resolvePool'],
    ['a resolver that is not a function', { resolvePool: 'x' }, undefined, 'options.resolvePool'],
    [
      'plain http to a host that is not loopback',
      { allowPools: [{ endpoint: 'http://cognito.internal:9229', tokenUse: 'id', clientId: 'c' }] },
      undefined,
      'options.allowPools[0].endpoint',
    ],
    [
      'maxPools with pools listed at creation',
      { userPoolId: 'us-east-1_AbC', tokenUse: 'id', clientId: 'c' },
      { maxPools: 10 },
      'settings.maxPools',
    ],
    ['maxPools 0', { resolvePool: () => undefined }, { maxPools: 0 }, 'settings.maxPools'],
  ];
  it.each(bad)('%s', (_name, options, settings, field) => {
    let error: unknown;
    try {
      createCognitoVerifier(options as PoolResolverOptions, settings);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.startsWith(`${field}:`)).toBe(true);
  });

  it('accepts every pool of a region when anyAccount says so, and narrows by clientId otherwise', () => {
    expect(() =>
      createCognitoVerifier({
        allowPools: [{ regions: ['eu-west-1'], tokenUse: 'access', clientId: null, anyAccount: true }],
      }),
    ).not.toThrow();
    expect(() =>
      createCognitoVerifier({
        allowPools: [{ regions: ['eu-west-1'], tokenUse: 'access', clientId: CLIENT_ID }],
      }),
    ).not.toThrow();
  });
});

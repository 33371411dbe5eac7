import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jwksOf } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CognitoVerifier, createCognitoVerifier } from '../../src/index.js';
import { accessToken, CLIENT_ID, key } from '../helpers/fixtures.js';
import { type PoolServer, startPoolServer } from '../helpers/pool-server.js';

// The heap after a full collection: gc() exposed at run time, so the test needs no flags of its own.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const POOLS = 1000;
let pools: PoolServer;
let tokens: string[];

beforeAll(async () => {
  pools = await startPoolServer(jwksOf(key('ES256')));
  tokens = Array.from({ length: POOLS }, (_, i) =>
    accessToken(key('ES256'), { issuer: pools.issuerOf(`local_h${i}`), sub: randomUUID() }),
  );
  // Warm-up: the first sweep compiles code and fills caches that the measured ones would count.
  await retained(1000, 1);
});
afterAll(async () => {
  await pools.close();
});

/** Verifies one token of each of the 1,000 pools, 50 pools at a time. */
async function sweep(verifier: CognitoVerifier): Promise<void> {
  for (let i = 0; i < tokens.length; i += 50)
    await Promise.all(tokens.slice(i, i + 50).map((t) => verifier.verify(t)));
}

/** Heap growth (bytes) while `verifier` is alive after sweeping the 1,000 pools `rounds` times. */
async function retained(maxPools: number, rounds: number, cache = true): Promise<number[]> {
  const before = heapAfterGc();
  const verifier = createCognitoVerifier(
    { allowPools: [{ endpoint: pools.endpoint, tokenUse: 'access', clientId: CLIENT_ID }] },
    { maxPools, maxPoolFetches: 100_000, jwksTimeoutMs: 15_000, ...(cache ? {} : { cache: false }) },
  );
  const growth: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await sweep(verifier);
    growth.push(heapAfterGc() - before);
  }
  // Kept alive up to here, so its pools count.
  expect(verifier.verifySync(tokens[POOLS - 1] as string).sub).toBeTypeOf('string');
  expect(pools.total()).toBeGreaterThan(0);
  return growth;
}

const KiB = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

it('keeps the heap bounded by maxPools: 1,000 pools through maxPools 50 hold far less than maxPools 1,000', async () => {
  const [all] = (await retained(1000, 1, false)) as [number];
  const bounded = await retained(50, 3, false);
  console.log(
    `pools alone: maxPools 1000 ${KiB(all)}; maxPools 50 ${bounded.map(KiB).join(', ')} (rounds 1-3)`,
  );
  // Generous margins (heapUsed moves by a few hundred KiB from run to run): about 1 KiB of heap per pool
  // in memory, so 50 pools cost a twentieth of 1,000; a leak would cost the whole 1,000 from the first
  // sweep on, and more with each sweep.
  for (const b of bounded) expect(b).toBeLessThan(all / 2);
});

it('does not keep dropped pools alive through the verified-result cache', async () => {
  const [all] = (await retained(1000, 1)) as [number];
  const bounded = await retained(50, 3);
  console.log(
    `with 1,000 cached results: maxPools 1000 ${KiB(all)}; maxPools 50 ${bounded.map(KiB).join(', ')}`,
  );
  // Both hold the same 1,000 cached results; only the pools differ.
  for (const b of bounded) expect(b).toBeLessThan(all * 0.75);
});

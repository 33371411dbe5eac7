// Many pools: distinct tokens spread over 1,000 user pools against distinct tokens of one pool, in one
// process. Run with `pnpm --filter @cogauth/core build && node bench/pools.mjs` (from packages/core).
// Options: --rounds=N (default 31), --slice-ms=N (time per contender per round, default 40).
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import {
  cognitoAccessClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { createCognitoVerifier } from '../dist/index.js';

const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const ROUNDS = arg('rounds', 31);
const SLICE_MS = arg('slice-ms', 40);
const POOLS = 1000;
const DISTINCT = 2000;
const CLIENT_ID = 'benchclient0123456789abcd';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// One RSA-2048 key served as the JWKS of every pool `local_p<i>` by one 127.0.0.1 server (the way
// cognito-local lays pools out), Cognito-shaped access tokens.
const key = generateTestKey({ alg: 'RS256', kid: 'bench-pools', modulusLength: 2048 });
const server = await startJwksServer({ jwks: jwksOf(key) });
const body = JSON.stringify(jwksOf(key));
server.setResponder((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
const endpoint = `http://127.0.0.1:${server.port}`;
const tokenOf = (pool, i) =>
  signJwt(
    cognitoAccessClaims({
      issuer: `${endpoint}/${pool}`,
      poolId: pool,
      clientId: CLIENT_ID,
      sub: randomUUID(),
      username: `user-${i}`,
      ttlSeconds: 3600,
    }),
    key,
  );
const onePool = Array.from({ length: DISTINCT }, (_, i) => tokenOf('local_p0', i));
const manyPools = Array.from({ length: DISTINCT }, (_, i) => tokenOf(`local_p${i % POOLS}`, i));

// The same allow-list for both; the default result cache (1,000 entries) never hits on 2,000 tokens
// walked in a cycle. The listed-pool verifier is the usual configuration, for reference.
const allowList = { allowPools: [{ endpoint, tokenUse: 'access', clientId: CLIENT_ID }] };
const settings = { maxPools: POOLS, maxPoolFetches: 10 * POOLS };
const contenders = [
  {
    name: 'one pool listed at creation (COGAUTH_POOLS-style)',
    verifier: createCognitoVerifier({
      issuer: `${endpoint}/local_p0`,
      tokenUse: 'access',
      clientId: CLIENT_ID,
    }),
    tokens: onePool,
  },
  {
    name: 'allowPools, distinct tokens of one pool',
    verifier: createCognitoVerifier(allowList, settings),
    tokens: onePool,
  },
  {
    name: `allowPools, distinct tokens across ${POOLS.toLocaleString('en')} pools`,
    verifier: createCognitoVerifier(allowList, settings),
    tokens: manyPools,
  },
];

// Warm up: every pool resolved and its JWKS fetched, every path compiled.
for (const c of contenders) for (const t of c.tokens) await c.verifier.verify(t);

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function slice(c, start) {
  const cpu0 = cpuMicros();
  const deadline = process.hrtime.bigint() + BigInt(SLICE_MS) * 1_000_000n;
  let i = start;
  do for (let k = 0; k < 25; k++) await c.verifier.verify(c.tokens[i++ % DISTINCT]);
  while (process.hrtime.bigint() < deadline);
  return { ops: ((i - start) * 1e6) / (cpuMicros() - cpu0), next: i };
}

const perRound = contenders.map(() => ({ ops: [], ratio: [] }));
const cursors = contenders.map(() => 0);
for (let r = 0; r < ROUNDS; r++) {
  const results = [];
  for (const idx of contenders.map((_, i) => (i + r) % contenders.length)) {
    results[idx] = await slice(contenders[idx], cursors[idx]);
    cursors[idx] = results[idx].next;
  }
  contenders.forEach((_, i) => {
    perRound[i].ops.push(results[i].ops);
    perRound[i].ratio.push(results[i].ops / results[1].ops);
  });
}
await server.close();

console.log(
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)}; ` +
    `${ROUNDS} rounds of ${SLICE_MS} ms per contender, order rotated; RSA-2048, ${DISTINCT.toLocaleString('en')} distinct tokens, no cache hits`,
);
console.log('| verifier | ops per CPU-second (median) | ratio to allowPools, one pool (median) |');
console.log('| --- | ---: | ---: |');
contenders.forEach((c, i) => {
  const ops = Math.round(median(perRound[i].ops)).toLocaleString('en');
  console.log(`| ${c.name} | ${ops} | ${median(perRound[i].ratio).toFixed(2)}× |`);
});

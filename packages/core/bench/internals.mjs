// The internals that hold the hot-path tricks, timed alone for two source trees side by side in one
// process: header parsing, the result cache, the issuer lookup and the decision log line (see "Hot-path
// tricks" in bench/README.md). bench/ab.mjs shows what the same change does to the whole verifier and handler.
// Run: node bench/internals.mjs <A src> <B src> [--rounds=N] [--only=name,name]
//   <A src>, <B src>: source trees (src, or a changed copy of it), each bundled here with esbuild.
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { cognitoAccessClaims, generateTestKey, signJwt } from '@cogauth/test-fixtures';
import { build } from 'esbuild';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (positional.length !== 2) {
  console.error('usage: node bench/internals.mjs <A src> <B src> [--rounds=N] [--only=a,b]');
  process.exit(2);
}
const ROUNDS = Number(option('rounds') ?? 41);
const ONLY = option('only')?.split(',');

async function load(tree, side) {
  const result = await build({
    stdin: {
      contents: `export { parseToken, verifiedHeader } from './verify/jwt.js';
export { ResultCache } from './verify/result-cache.js';
export { PoolIndex } from './verify/pools.js';
export { formatDecisionLog } from './pipeline/decision-log.js';`,
      resolveDir: resolve(tree),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const code = Buffer.from(result.outputFiles[0].contents).toString('base64');
  return {
    internals: await import(`data:text/javascript;base64,${code}`),
    // This side's own copy of the operations and the timing loop.
    side: await import(new URL(`./internals-side.mjs?${side}`, import.meta.url).href),
  };
}
const sides = [await load(positional[0], 'a'), await load(positional[1], 'b')];

const POOLS = Array.from({ length: 8 }, (_, i) => `us-east-1_BenchPool${i + 1}`);
const issuer = (pool) => `https://cognito-idp.us-east-1.amazonaws.com/${pool}`;
const key = generateTestKey({ alg: 'RS256', kid: 'kid-0' });
const signed = (i, kid) =>
  signJwt(cognitoAccessClaims({ poolId: POOLS[0], username: `user-${i}`, ttlSeconds: 86400 }), key, { kid });
const headers = (n, kid) => Array.from({ length: n }, (_, i) => `Bearer ${signed(i, kid?.(i) ?? 'kid-0')}`);
// The issuer of pool k as a payload's JSON.parse gives it: a new string per token.
function freshIssuers(k) {
  const item = `"iss":"${issuer(POOLS[k])}",`;
  const text = item.repeat(300);
  const length = issuer(POOLS[k]).length;
  return (i) => {
    const at = (i % 300) * item.length + 7;
    return text.slice(at, at + length);
  };
}
// Decision log entries as the runner writes them: a new principal and a new latency in each (a number the
// line must print anew, not one V8 has converted before).
const latency = (i) => Math.round(((i * 7919) % 5000) + 17) / 1000;
const logEntry = (principal, i) => ({
  msg: 'cogauth authorizer decision',
  decision: 'Allow',
  reason: 'ALLOWED',
  event: 'TOKEN',
  principal,
  route: 'GET /messages/42',
  permittedRules: 7,
  latencyMs: latency(i),
});
// A refusal with the runner's key order: latencyMs first, event and route added after it.
const refusal = (i) => {
  const entry = { msg: 'cogauth authorizer decision', decision: 'Unauthorized', reason: 'TOKEN_MALFORMED' };
  return Object.assign(entry, { latencyMs: latency(i), event: 'TOKEN', route: 'GET /messages/42' });
};
const entries = (f) => Array.from({ length: 1000 }, (_, i) => f(i));
const fixtures = {
  issuers: POOLS.map(issuer),
  freshIssuers,
  distinct: headers(2000),
  manyHeaders: headers(300, (i) => `kid-${i}`),
  allow: entries((i) => logEntry(randomUUID(), i)),
  refusal: entries(refusal),
  escapes: entries((i) => logEntry(`u"${i}\\x\u0007\u{1f600}`, i)),
};

// Cases, each run by the operation of the same name in internals-side.mjs, `n` operations per timed batch.
const cases = [
  { name: 'parse-distinct', what: 'parseToken, 2,000 tokens of one header', n: 4000 },
  { name: 'parse-300-headers', what: 'parseToken, 300 tokens with 300 different headers (kid)', n: 4000 },
  { name: 'verified-header', what: 'verifiedHeader (a cache hit with a customCheck)', n: 40000 },
  { name: 'cache-hit', what: 'ResultCache.get, 500 cached tokens', n: 40000 },
  {
    name: 'cache-hit-same',
    what: 'ResultCache.get, one cached token, the same string each time (verifier.mjs "same token")',
    n: 40000,
  },
  { name: 'cache-miss-insert', what: 'ResultCache.get then set, 2,000 tokens, 1,000 entries', n: 40000 },
  { name: 'cache-miss-insert-10k', what: 'the same, a full cache of 10,000 entries', n: 20000 },
  { name: 'cache-miss-insert-100k', what: 'the same, a full cache of 100,000 entries', n: 20000 },
  { name: 'issuer-1', what: 'PoolIndex.poolOf, one pool, a fresh iss (a miss)', n: 100000 },
  { name: 'issuer-8-last', what: 'PoolIndex.poolOf, 8 pools, a fresh iss of the 8th (a miss)', n: 100000 },
  {
    name: 'issuer-8-last-same',
    what: "PoolIndex.poolOf, 8 pools, the 8th's iss again (a cache hit's claims)",
    n: 100000,
  },
  { name: 'log-allow', what: 'formatDecisionLog, 1,000 Allows', n: 40000 },
  { name: 'log-refusal', what: 'formatDecisionLog, 1,000 refusals as the runner builds them', n: 40000 },
  { name: 'log-escapes', what: 'formatDecisionLog, 1,000 principals JSON must escape', n: 40000 },
];

const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];

console.log(
  `A: ${resolve(positional[0])}\nB: ${resolve(positional[1])}\nload average ${loadavg()[0].toFixed(1)}; ` +
    `${ROUNDS} rounds, one batch per side each, order alternating; CPU time; medians, B/A with its quartiles.\n`,
);
console.log('| case | A ns/op | B ns/op | B − A ns | B/A (quartiles) |\n|---|---:|---:|---:|---:|');
for (const c of cases) {
  if (ONLY && !ONLY.includes(c.name)) continue;
  const ops = sides.map(({ internals, side }) => side.operation(c.name, internals, fixtures));
  const run = (k, from, count) => sides[k].side.run(ops[k], from, count);
  const cursor = [0, 0];
  for (const k of [0, 1]) cursor[k] = run(k, cursor[k], 3 * c.n);
  const ns = [[], []];
  const ratio = [];
  for (let r = 0; r < ROUNDS; r++) {
    const taken = [0, 0];
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      cursor[k] = run(k, cursor[k], c.n >> 3);
      const t0 = cpuNs();
      cursor[k] = run(k, cursor[k], c.n);
      taken[k] = (cpuNs() - t0) / c.n;
    }
    ns[0].push(taken[0]);
    ns[1].push(taken[1]);
    ratio.push(taken[1] / taken[0]);
  }
  const a = median(ns[0]);
  const b = median(ns[1]);
  console.log(
    `| ${c.name} | ${a.toFixed(0)} | ${b.toFixed(0)} | ${b - a >= 0 ? '+' : ''}${(b - a).toFixed(0)} | ${median(ratio).toFixed(3)} (${quantile(ratio, 0.25).toFixed(3)}–${quantile(ratio, 0.75).toFixed(3)}) |`,
  );
}
if (process.argv.includes('--describe')) for (const c of cases) console.log(`${c.name}: ${c.what}`);

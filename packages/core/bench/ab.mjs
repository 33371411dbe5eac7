// Two builds of @cogauth/core side by side in one process, on the verifier's and the handler's hot paths
// and their worst cases: for a change that should make (or keep) a path fast, and for judging a trick
// against the plain code it replaces (see "Hot-path tricks" in bench/README.md).
// Run: node bench/ab.mjs <A> <B> [--rounds=N] [--only=name,name] [--describe]
//   <A>, <B>: a source tree (a directory holding index.ts, such as src or a changed copy of it, bundled
//   here with esbuild), a build's dist directory, or an ESM bundle. Two paths to the same code are two
//   module instances: an A/A run shows the noise.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { build } from 'esbuild';

const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (positional.length !== 2) {
  console.error(
    'usage: node bench/ab.mjs <A> <B> [--rounds=N] [--only=a,b] [--describe] (src tree, dist dir or bundle)',
  );
  process.exit(2);
}
const ROUNDS = Number(option('rounds') ?? 41);
const ONLY = option('only')?.split(',');

const bundles = mkdtempSync(join(tmpdir(), 'cogauth-ab-'));
async function load(where, side) {
  let file = statSync(where).isDirectory() ? join(where, 'index.js') : where;
  if (existsSync(join(where, 'index.ts'))) {
    file = join(bundles, `${side}.mjs`);
    await build({
      entryPoints: [join(where, 'index.ts')],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      logLevel: 'warning',
    });
  }
  if (!existsSync(file)) throw new Error(`no build at ${file}`);
  return {
    file: resolve(where),
    lib: await import(pathToFileURL(resolve(file)).href),
    // This side's own copy of the operations and the timing loop (see ab-side.mjs).
    side: await import(new URL(`./ab-side.mjs?${side}`, import.meta.url).href),
  };
}
const sides = [await load(positional[0], 'a'), await load(positional[1], 'b')];
rmSync(bundles, { recursive: true, force: true });

// The default logger writes through console.log: its line goes to a variable, not to stdout.
let sink = '';
const print = console.log.bind(console);
console.log = (line) => {
  sink = line;
};

// ---------------------------------------------------------------------------------------------
// Fixtures: one RSA-2048 key (generated once), Cognito-shaped access tokens.
const CLIENT = 'benchclient0123456789abcd';
const POOLS = Array.from({ length: 8 }, (_, i) => `us-east-1_BenchPool${i + 1}`);
const OTHER_POOL = 'us-east-1_BenchPool9';
const GROUPS = ['admin', 'writers', 'readers', 'ops'];
const KIDS = 300; // more headers than a header cache of 256 holds
const key = generateTestKey({ alg: 'RS256', kid: 'kid-0', modulusLength: 2048 });
const jwks = jwksOf(key);
const manyKids = { keys: Array.from({ length: KIDS }, (_, i) => ({ ...jwks.keys[0], kid: `kid-${i}` })) };

function token(pool, i, sub = randomUUID(), kid = 'kid-0') {
  const claims = cognitoAccessClaims({
    poolId: pool,
    clientId: CLIENT,
    sub,
    username: `user-${i}`,
    groups: GROUPS.filter((_, g) => (i >> g) & 1),
    scope: `openid api/scope${i % 2}`,
    ttlSeconds: 86400,
  });
  return signJwt(claims, key, { kid });
}
const distinct = Array.from({ length: 2000 }, (_, i) => token(POOLS[0], i));
const kidTokens = Array.from({ length: KIDS }, (_, i) => token(POOLS[0], i, undefined, `kid-${i}`));
const lastPool = Array.from({ length: 300 }, (_, i) => token(POOLS[7], i));
const otherPool = Array.from({ length: 300 }, (_, i) => token(OTHER_POOL, i));
// Principals JSON must escape: a quote, a backslash, a control character, a character outside the BMP.
const escaped = Array.from({ length: 300 }, (_, i) => token(POOLS[0], i, `u"${i}\\x\u0007\u{1f600}`));

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';
const rules = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'GET /me' },
];
for (let i = 0; rules.length < 20; i++) {
  const rule = { route: `${['GET', 'POST', 'PUT', 'PATCH', 'DELETE'][i % 5]} /res${i}/{id}` };
  if (i % 3 === 1) rule.groups = [GROUPS[i % GROUPS.length]];
  if (i % 3 === 2) rule.scopes = [`api/scope${i % 2}`];
  rules.push(rule);
}
const routes = rules.map((r) => r.route.replace(' /', '/').replace('{id}', '42'));
const eventOf = (t, i) => ({
  type: 'TOKEN',
  authorizationToken: `Bearer ${t}`,
  methodArn: ARN + routes[i % routes.length],
});
const events = distinct.map(eventOf);
const escapedEvents = escaped.map(eventOf);
// Many distinct tokens for a large result cache, signed with ES256 (signing RSA-2048 takes ~1 ms a token).
const LARGE_CACHE = 10000;
let manyTokens;
const ecKey = generateTestKey({ alg: 'ES256', kid: 'kid-ec' });
const many = () => {
  manyTokens ??= Array.from({ length: LARGE_CACHE * 2.4 }, (_, i) =>
    signJwt(
      cognitoAccessClaims({ poolId: POOLS[0], clientId: CLIENT, username: `u${i}`, ttlSeconds: 86400 }),
      ecKey,
    ),
  );
  return manyTokens;
};
const malformed = Array.from({ length: 300 }, (_, i) => eventOf(`${distinct[i].slice(0, 40)}!`, i));
const fixtures = {
  pools: POOLS,
  client: CLIENT,
  jwks,
  manyKids,
  ecJwks: jwksOf(ecKey),
  largeCache: LARGE_CACHE,
  many,
  rules,
  distinct,
  kidTokens,
  lastPool,
  otherPool,
  events,
  escapedEvents,
  malformed,
};

// ---------------------------------------------------------------------------------------------
// Scenarios, each run by the operation of the same name in ab-side.mjs: `n` operations per timed batch,
// `warm` untimed operations first (default 3n), `sync` for an operation that returns no promise.
const scenarios = [
  {
    name: 'verify-miss',
    what: 'verify(), 2,000 distinct tokens, result cache on (1,000 entries): every call misses',
    n: 200,
    warm: 2000,
  },
  {
    name: 'verify-miss-large-cache',
    what: `verify(), ${LARGE_CACHE * 2.4} distinct ES256 tokens, result cache of ${LARGE_CACHE} entries: every call misses`,
    n: 200,
    warm: LARGE_CACHE * 1.2,
  },
  {
    name: 'verify-nocache',
    what: 'verify(), 2,000 distinct tokens, cache: false',
    n: 200,
  },
  {
    name: 'verify-hit',
    what: 'verify(), 500 tokens again and again: every call hits the result cache',
    n: 20000,
  },
  {
    name: 'verify-hit-same',
    what: 'verify(), one token, the same string again and again (verifier.mjs "same token")',
    n: 20000,
  },
  {
    name: 'verifySync-hit-same',
    what: 'verifySync(), one token, the same string again and again',
    n: 20000,
    sync: true,
  },
  {
    name: 'verifySync-hit',
    what: 'verifySync(), 500 tokens again and again (hits)',
    n: 20000,
    sync: true,
  },
  {
    name: 'verifySync-hit-customCheck',
    what: 'verifySync(), hits, with a customCheck (a hit re-reads the header)',
    n: 20000,
    sync: true,
  },
  {
    name: 'kids-300-nocache',
    what: `verify(), cache: false, ${KIDS} tokens with ${KIDS} different kids (headers)`,
    n: 200,
  },
  {
    name: 'pools8-last-nocache',
    what: 'verify(), 8 pools, cache: false, tokens of the 8th pool',
    n: 200,
  },
  {
    name: 'pools8-last-hit',
    what: 'verifySync(), 8 pools, hits, tokens of the 8th pool',
    n: 20000,
    sync: true,
  },
  {
    name: 'pools8-unknown-issuer',
    what: 'verifySync(), 8 pools, tokens of a 9th pool: ISSUER_INVALID',
    n: 5000,
    sync: true,
  },
  {
    name: 'handler-miss',
    what: 'handler, REST TOKEN events, 20 rules, 2,000 distinct tokens, cache: false',
    n: 200,
  },
  {
    name: 'handler-new-claims',
    what: 'handler around a verifier that returns a new frozen claims object each call (no crypto)',
    n: 10000,
  },
  {
    name: 'handler-hit',
    what: 'handler, 500 tokens again and again (result cache hits)',
    n: 10000,
  },
  {
    name: 'handler-hit-escapes',
    what: 'handler, hits, principals the log line must escape',
    n: 10000,
  },
  {
    name: 'handler-malformed',
    what: 'handler, malformed tokens (401, logged)',
    n: 5000,
  },
];

// ---------------------------------------------------------------------------------------------
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

/** CPU ns per operation for A and B, in rounds of one batch each, the order alternating. */
async function measure(s) {
  const ops = [];
  for (const { lib, side } of sides) ops.push(await side.operation(s.name, lib, fixtures));
  const run = (k, from, count) => sides[k].side.run(ops[k], s.sync, from, count);
  const cursor = [0, 0];
  // Warm-up: the compiler, and a full result cache where the scenario needs one.
  for (const k of [0, 1]) cursor[k] = await run(k, cursor[k], s.warm ?? 3 * s.n);
  const ns = [[], []];
  const ratio = [];
  for (let r = 0; r < ROUNDS; r++) {
    const taken = [0, 0];
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      // An untimed lead-in: what the other side left to the collector is not counted here.
      cursor[k] = await run(k, cursor[k], s.n >> 3);
      const t0 = cpuNs();
      cursor[k] = await run(k, cursor[k], s.n);
      taken[k] = (cpuNs() - t0) / s.n;
    }
    ns[0].push(taken[0]);
    ns[1].push(taken[1]);
    ratio.push(taken[1] / taken[0]);
  }
  return {
    a: median(ns[0]),
    b: median(ns[1]),
    ratio: median(ratio),
    lo: quantile(ratio, 0.25),
    hi: quantile(ratio, 0.75),
  };
}

print(`A: ${sides[0].file}`);
print(`B: ${sides[1].file}`);
print(
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} at the start; ` +
    `${ROUNDS} rounds, one batch per side each, order alternating; CPU time; medians, B/A ratio with its quartiles.`,
);
print('');
print('| scenario | A ns/op | B ns/op | B − A ns | B/A (quartiles) |');
print('|---|---:|---:|---:|---:|');
for (const s of scenarios) {
  if (ONLY && !ONLY.includes(s.name)) continue;
  const m = await measure(s);
  const d = m.b - m.a;
  print(
    `| ${s.name} | ${m.a.toFixed(0)} | ${m.b.toFixed(0)} | ${d >= 0 ? '+' : ''}${d.toFixed(0)} | ${m.ratio.toFixed(3)} (${m.lo.toFixed(3)}–${m.hi.toFixed(3)}) |`,
  );
}
print('');
print(`load average ${loadavg()[0].toFixed(1)} at the end`);
if (!ONLY && sink === '') throw new Error('the handler never logged');
if (process.argv.includes('--describe')) for (const s of scenarios) print(`${s.name}: ${s.what}`);

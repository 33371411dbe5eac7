// Worst case for route matching: 100 rules with 5 wildcards each (per-request answers; 50 with whole
// answers, which the start-up size check accepts) against 2 KB method ARNs (2,048 characters, the longest the ARN parser
// accepts) whose paths almost match every rule and match none, a new path per request (as an attacker would
// send them, so no memo helps). Time per decision of the whole handler around a fixed-claims verifier, CPU
// time, medians.
// Run: pnpm --filter @cogauth/core build && node packages/core/bench/matching.mjs
// BENCH_DIST=<dir> runs it against another build; BENCH_ARN_LENGTH changes the ARN length.
import { pathToFileURL } from 'node:url';

const dist = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
const { createAuthorizer } = await import(pathToFileURL(`${dist}/index.js`).href);

const ARN_LENGTH = Number(process.env.BENCH_ARN_LENGTH ?? 2048);
const REQUESTS = 200;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';

// `GET /{a}/{b}/{c}/{d}/{e}/end<i>`: five wildcards, then a literal tail no request has.
const rulesOf = (count) =>
  Array.from({ length: count }, (_, i) => ({ route: `GET /{a}/{b}/{c}/{d}/{e}/end${i}` }));

const RESOURCE_LENGTH = ARN_LENGTH - ARN.length;

/** A `GET` resource with many segments, ending in `/en<n>`: a near miss for every rule. */
function resource(n) {
  const tail = `/en${n}`;
  let body = 'GET/';
  while (body.length < RESOURCE_LENGTH - tail.length) body += `a${n % 10}/`;
  return body.slice(0, RESOURCE_LENGTH - tail.length) + tail;
}
const events = [];
for (let n = 0; n < REQUESTS * ROUNDS; n++)
  events.push({ type: 'TOKEN', authorizationToken: 'Bearer x.y.z', methodArn: ARN + resource(n) });

const claims = Object.freeze({ sub: 'bench', token_use: 'access', scope: 'openid' });
let sink = '';
// The default logger (one JSON line through console.log), its stdout write replaced by a variable.
const print = console.log.bind(console);
console.log = (line) => {
  sink = line;
};
function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// Per-request answers hold the requested route only; a whole answer (all-routes) lists every route the
// caller may call, and createAuthorizer refuses one that could pass API Gateway's 8 KB: 100 such rules
// are refused, 50 pass.
for (const [count, answerMode] of [
  [100, 'per-request'],
  [50, 'all-routes'],
]) {
  const handler = createAuthorizer({
    verifier: { verify: async () => claims, verifySync: () => claims, hydrate: async () => {} },
    rules: rulesOf(count),
    answerMode,
  });
  // Sanity: the path is a near miss for every rule, so the decision is a Deny.
  sink = '';
  await handler(events[0]);
  if (JSON.parse(sink).decision !== 'Deny') throw new Error('bench setup: expected a Deny');
  const perDecision = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = cpuNs();
    for (let i = r * REQUESTS; i < (r + 1) * REQUESTS; i++) await handler(events[i]);
    perDecision.push((cpuNs() - start) / 1000 / REQUESTS);
  }
  print(
    `worst-case matching: ${count} rules x 5 wildcards, ${answerMode} answers, ${ARN_LENGTH}-character method ARNs, ` +
      `a new path per request: ${median(perDecision).toFixed(1)} us CPU per decision (median of ${ROUNDS} rounds of ${REQUESTS})`,
  );
}

// The Express middleware and the Fastify hook around a fixed-claims verifier (no crypto): CPU per request
// for a short target and a 2 KB one, medians. What it shows is the adapters' own cost: reading the path
// the router matches (one pass over the target), the decision, the answer.
// Run: pnpm --filter @cogauth/core build && node packages/core/bench/adapters.mjs
// BENCH_DIST=<dir> runs it against another build.
import { pathToFileURL } from 'node:url';

const dist = process.env.BENCH_DIST ?? new URL('../dist/', import.meta.url).pathname;
const { cogauthExpress } = await import(pathToFileURL(`${dist}/express.js`).href);
const { cogauthFastify } = await import(pathToFileURL(`${dist}/fastify.js`).href);

const REQUESTS = 5000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const claims = Object.freeze({ sub: 'bench', token_use: 'access', 'cognito:groups': ['users'] });
const verifier = { verify: async () => claims, verifySync: () => claims, hydrate: async () => {} };
const rules = [{ route: 'GET /messages/{id}', groups: ['users'] }];
for (let i = 0; i < 20; i++) rules.push({ route: `GET /r${i}/{id}`, groups: ['users'] });
const options = { verifier, rules, logger: () => {} };
const express = cogauthExpress(options);
const fastify = cogauthFastify(options);
const headers = { authorization: 'Bearer x.y.z' };
const reply = {
  code() {
    return this;
  },
  headers() {
    return this;
  },
  send() {},
};
const doors = {
  express: (url) =>
    new Promise((resolve, reject) =>
      express(
        { method: 'GET', url, originalUrl: url, baseUrl: '', headers },
        { writeHead: reject, end: reject },
        resolve,
      ),
    ),
  fastify: async (url) => {
    const request = { method: 'GET', url, headers, server: { initialConfig: {} } };
    await fastify(request, reply);
    if (request.auth?.status !== 200) throw new Error('bench setup: expected a 200');
  },
};
const targets = {
  'short target': '/messages/42?x=1&y=%2F',
  '2 KB target': `/messages/${'a'.repeat(2000)}?q=1`,
};

function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

for (const [door, send] of Object.entries(doors)) {
  for (const [name, url] of Object.entries(targets)) {
    for (let i = 0; i < 2000; i++) await send(url);
    const per = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = cpuNs();
      for (let i = 0; i < REQUESTS; i++) await send(url);
      per.push((cpuNs() - start) / REQUESTS);
    }
    console.log(
      `adapter ${door}, ${name}: ${(median(per) / 1000).toFixed(2)} us CPU per request (median of ${ROUNDS} rounds of ${REQUESTS})`,
    );
  }
}

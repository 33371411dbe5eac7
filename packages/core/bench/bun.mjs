// Which build Bun should get: the node:crypto build (what Bun resolves today) against the web build (Web
// Crypto), both in Bun, on 2,000 distinct RS256 tokens (no result-cache hits), slices alternated, medians.
// Run under Bun (tests/e2e/runtimes.test.ts installs it): after `pnpm build`, from packages/core,
//   tests/runtimes/.deps/node_modules/.bin/bun bench/bun.mjs
// Options: --rounds=N (default 21), --slice-ms=N (default 200).
import { randomUUID } from 'node:crypto';
import { cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import * as nodeBuild from '../dist/index.js';
import * as webBuild from '../dist/web/index.js';

if (typeof Bun === 'undefined') throw new Error('run this with bun');
const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const ROUNDS = arg('rounds', 21);
const SLICE_MS = arg('slice-ms', 200);
const POOL_ID = 'us-east-1_BenchPool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'benchclient0123456789abcd';

const key = generateTestKey({ alg: 'RS256', kid: 'bench-rs256', modulusLength: 2048 });
const jwks = jwksOf(key);
const tokens = Array.from({ length: 2000 }, (_, i) =>
  signJwt(
    cognitoAccessClaims({
      issuer: ISSUER,
      poolId: POOL_ID,
      clientId: CLIENT_ID,
      sub: randomUUID(),
      username: `u${i}`,
    }),
    key,
  ),
);
const options = { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID, jwks };
const contenders = [
  ['node:crypto build verify()', nodeBuild.createCognitoVerifier(options)],
  ['web build verify() (Web Crypto)', webBuild.createCognitoVerifier(options)],
];

let cursor = 0;
async function slice(verifier) {
  const end = performance.now() + SLICE_MS;
  let n = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 25; k++, n++) await verifier.verify(tokens[cursor++ % tokens.length]);
  }
  return (n * 1000) / SLICE_MS;
}

for (const [, verifier] of contenders) for (const t of tokens.slice(0, 300)) await verifier.verify(t);
const rates = contenders.map(() => []);
const ratios = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? [0, 1] : [1, 0];
  const round = [];
  for (const i of order) round[i] = await slice(contenders[i][1]);
  for (const [i, rate] of round.entries()) rates[i].push(rate);
  ratios.push(round[1] / round[0]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `Bun ${Bun.version}, ${ROUNDS} rounds x ${SLICE_MS} ms, 2,000 distinct RS256-2048 tokens, wall-clock medians`,
);
for (const [i, [name]] of contenders.entries())
  console.log(`${name}: ${Math.round(median(rates[i])).toLocaleString('en-US')} ops/s`);
console.log(`web / node:crypto: ${median(ratios).toFixed(2)}x`);

// Verifier benchmark: node:crypto floor vs @cogauth/core vs aws-jwt-verify vs jose, in one process.
// Run with `pnpm --filter @cogauth/core build && node bench/verifier.mjs` (from packages/core).
// Options: --rounds=N (default 101), --slice-ms=N (time per contender per round, default 20),
//          --cold-runs=N (default 15), --json (also print the raw numbers).
// BENCH_DIST=<dir> runs it against another build (a worktree of an older commit, for before/after pairs).
import { spawn, spawnSync } from 'node:child_process';
import { verify as cryptoVerify, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  cognitoAccessClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { build } from 'esbuild';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const here = dirname(fileURLToPath(import.meta.url));
const pkgRoot = join(here, '..');
const dist = process.env.BENCH_DIST ?? join(pkgRoot, 'dist');
const { createCognitoVerifier } = await import(pathToFileURL(join(dist, 'index.js')).href);
// The web build (Web Crypto and fetch, what workerd, Deno and edge runtimes get), run here on Node's own
// globalThis.crypto: its cost next to the floor and to jose, which is Web Crypto too. Absent in old builds.
const webEntry = join(dist, 'web/index.js');
const web = existsSync(webEntry) ? await import(pathToFileURL(webEntry).href) : undefined;
const arg = (name, fallback) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const ROUNDS = arg('rounds', 101);
const SLICE_MS = arg('slice-ms', 20);
const LEAD_IN_MS = 5;
const COLD_RUNS = arg('cold-runs', 15);
const DISTINCT = 2000;
const FETCHED = 'fetched: ';

const POOL_ID = 'us-east-1_BenchPool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
const CLIENT_ID = 'benchclient0123456789abcd';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// Fixtures: one RSA-2048 key, Cognito-shaped access tokens, JWKS served from 127.0.0.1.
const key = generateTestKey({ alg: 'RS256', kid: 'bench-rs256', modulusLength: 2048 });
const jwks = jwksOf(key);
const server = await startJwksServer({ jwks, poolId: POOL_ID });
const tokens = Array.from({ length: DISTINCT }, (_, i) =>
  signJwt(
    cognitoAccessClaims({
      issuer: ISSUER,
      poolId: POOL_ID,
      clientId: CLIENT_ID,
      sub: randomUUID(),
      username: `user-${i}`,
      groups: ['writers'],
      ttlSeconds: 3600,
    }),
    key,
  ),
);

// ---------------------------------------------------------------------------------------------
// Contenders. Each gets a token and must return the verified claims (or throw).

// The floor: what any verifier must at least do. Pre-built KeyObject, crypto.verify, JSON.parse.
const floorKey = key.publicKey;
function floor(token) {
  const dot2 = token.lastIndexOf('.');
  const dot1 = token.indexOf('.');
  if (
    !cryptoVerify(
      'sha256',
      Buffer.from(token.slice(0, dot2)),
      floorKey,
      Buffer.from(token.slice(dot2 + 1), 'base64url'),
    )
  ) {
    throw new Error('bad signature');
  }
  return JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString());
}

// @cogauth/core with default settings (result cache on, 1000 entries), JWKS fetched from 127.0.0.1.
// verify() and verifySync() get one verifier each, so neither warms the other's result cache.
const coreOptions = { userPoolId: POOL_ID, jwksUri: server.jwksUrl, tokenUse: 'access', clientId: CLIENT_ID };
const core = createCognitoVerifier(coreOptions);
const coreSync = createCognitoVerifier(coreOptions);
await coreSync.hydrate();
// The same without the result cache: parse, key lookup, signature and claims only.
const coreNoCache = createCognitoVerifier(coreOptions, { cache: false });
const coreWeb = web?.createCognitoVerifier(coreOptions);

// aws-jwt-verify's CognitoJwtVerifier only knows real Cognito issuers and fetches over https. Its JWKS
// cache takes a pluggable Fetcher: this one answers the Cognito JWKS URI from the 127.0.0.1 server, so
// the real CognitoJwtVerifier (with all its Cognito checks) runs unchanged.
const localFetcher = {
  async fetch() {
    const response = await fetch(server.jwksUrl);
    return response.arrayBuffer();
  },
};
const aws = CognitoJwtVerifier.create(
  { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID },
  { jwksCache: new SimpleJwksCache({ fetcher: localFetcher }) },
);

// jose: jwtVerify with a remote JWKS set from 127.0.0.1, plus the two Cognito checks it does not know.
const joseJwks = createRemoteJWKSet(new URL(server.jwksUrl));
async function joseVerify(token) {
  const { payload } = await jwtVerify(token, joseJwks, { issuer: ISSUER, algorithms: ['RS256'] });
  if (payload.token_use !== 'access' || payload.client_id !== CLIENT_ID) throw new Error('claims');
  return payload;
}

const contenders = [
  { name: 'node:crypto floor', sync: floor },
  { name: '@cogauth/core verify()', async: (t) => core.verify(t) },
  { name: '@cogauth/core verifySync()', sync: (t) => coreSync.verifySync(t) },
  { name: '@cogauth/core verify(), cache: false', async: (t) => coreNoCache.verify(t) },
  ...(coreWeb === undefined
    ? []
    : [{ name: '@cogauth/core web build verify() (Web Crypto)', async: (t) => coreWeb.verify(t) }]),
  { name: 'aws-jwt-verify 5.2.1', async: (t) => aws.verify(t) },
  { name: 'jose 6 jwtVerify', async: joseVerify },
];

// Warm up: fetch every JWKS, JIT every path, prove every contender accepts the tokens.
for (const c of contenders) {
  for (let i = 0; i < 300; i++) {
    const t = tokens[DISTINCT - 300 + i];
    const claims = c.sync ? c.sync(t) : await c.async(t);
    if (claims.client_id !== CLIENT_ID) throw new Error(`${c.name} returned wrong claims`);
  }
}
const core2 = createCognitoVerifier({
  userPoolId: POOL_ID,
  jwksUri: server.jwksUrl,
  tokenUse: 'access',
  clientId: 'x',
});
await core2.verify(tokens[0]).then(
  () => {
    throw new Error('@cogauth/core accepted a wrong client id');
  },
  () => {},
);

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/**
 * Runs `c` for about SLICE_MS of wall time over tokens picked by `pick(i)`. Returns ops per wall second
 * and ops per CPU second of this process: the CPU figure does not drop when other processes compete for
 * the machine, so it is the primary one.
 */
async function slice(c, pick, start) {
  // An untimed lead-in first: garbage and heap state left by the previous contender are dealt with
  // before the clock starts, so no contender pays for another one's allocations.
  const leadIn = await run(c, pick, start, LEAD_IN_MS);
  const cpu0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  const timed = await run(c, pick, leadIn.next, SLICE_MS);
  const cpu = cpuMicros() - cpu0;
  const ops = timed.next - leadIn.next;
  return { cpuOps: (ops * 1e6) / cpu, wallOps: (ops * 1e9) / Number(timed.end - t0), next: timed.next };
}

async function run(c, pick, start, ms) {
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  let i = start;
  let now;
  if (c.sync) {
    const f = c.sync;
    do {
      for (let k = 0; k < 25; k++) f(pick(i++));
      now = process.hrtime.bigint();
    } while (now < deadline);
  } else {
    const f = c.async;
    do {
      for (let k = 0; k < 25; k++) await f(pick(i++));
      now = process.hrtime.bigint();
    } while (now < deadline);
  }
  return { next: i, end: now };
}

async function scenario(pick) {
  const perRound = contenders.map(() => ({ cpu: [], cpuRatio: [], wallRatio: [] }));
  // Each contender walks the tokens in its own unbroken cycle: with 2,000 tokens and a 1,000-entry LRU,
  // @cogauth/core's result cache can then never hit in the distinct scenario (checked below).
  const cursors = contenders.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    const order = contenders.map((_, i) => (i + r) % contenders.length);
    const results = new Array(contenders.length);
    for (const idx of order) {
      results[idx] = await slice(contenders[idx], pick, cursors[idx]);
      cursors[idx] = results[idx].next;
    }
    contenders.forEach((_, i) => {
      perRound[i].cpu.push(results[i].cpuOps);
      perRound[i].cpuRatio.push(results[i].cpuOps / results[0].cpuOps);
      perRound[i].wallRatio.push(results[i].wallOps / results[0].wallOps);
    });
  }
  distinctCursor = cursors[1];
  return perRound.map((p) => ({
    ops: median(p.cpu),
    ratio: median(p.cpuRatio),
    wallRatio: median(p.wallRatio),
  }));
}

// ---------------------------------------------------------------------------------------------
// The JWKS over https from 127.0.0.1 for the fetched cold-start rows, as Cognito serves it (TLS, its own
// process so spawnSync does not block it). A throwaway self-signed certificate reaches the children
// through NODE_EXTRA_CA_CERTS. Without openssl those rows are skipped, with a note.
async function startHttpsJwks(dir) {
  const keyFile = join(dir, 'tls-key.pem');
  const certFile = join(dir, 'tls-cert.pem');
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
    ].concat(['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'ignore' },
  );
  if (made.error !== undefined || made.status !== 0) return undefined;
  const serverScript = `import { createServer } from 'node:https'; import { readFileSync } from 'node:fs';
const body = ${JSON.stringify(JSON.stringify(jwks))};
const server = createServer({ key: readFileSync(${JSON.stringify(keyFile)}), cert: readFileSync(${JSON.stringify(certFile)}) },
  (req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', serverScript], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`https JWKS server exited with ${code}`)));
    child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
  });
  return {
    url: `https://127.0.0.1:${port}/${POOL_ID}/.well-known/jwks.json`,
    certFile,
    stop: () => child.kill(),
  };
}

// ---------------------------------------------------------------------------------------------
// Cold start: fresh `node` process to the first verified token, preloaded JWKS, vs `node -e ''`; then the
// same with the JWKS fetched over https from 127.0.0.1.
async function coldStart() {
  const dir = mkdtempSync(join(tmpdir(), 'cogauth-cold-'));
  const https = await startHttpsJwks(dir);
  // How a Lambda ships it: the verifier alone bundled and minified into one ESM file. dist/index.js is the
  // package's own unminified esbuild output (an entry plus one shared chunk).
  const bundled = join(dir, 'core-bundle.mjs');
  await build({
    stdin: {
      contents: `export { createCognitoVerifier } from ${JSON.stringify(join(dist, 'index.js'))};`,
      resolveDir: pkgRoot,
      loader: 'js',
    },
    outfile: bundled,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  const bundledUrl = pathToFileURL(bundled).href;
  const token = tokens[0];
  const distUrl = pathToFileURL(join(dist, 'index.js')).href;
  const awsUrl = pathToFileURL(join(pkgRoot, 'node_modules/aws-jwt-verify/dist/esm/index.js')).href;
  const joseUrl = import.meta.resolve('jose');
  const common = `const token = ${JSON.stringify(token)}; const jwks = ${JSON.stringify(jwks)};`;
  const scripts = {
    'empty node -e ""': null,
    'node:crypto floor script': `import { createPublicKey, verify } from 'node:crypto'; ${common}
const k = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
const d1 = token.indexOf('.'); const d2 = token.lastIndexOf('.');
if (!verify('sha256', Buffer.from(token.slice(0, d2)), k, Buffer.from(token.slice(d2 + 1), 'base64url'))) process.exit(1);
if (JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString()).client_id !== '${CLIENT_ID}') process.exit(1);`,
    '@cogauth/core (dist/index.js, esbuild ESM, 2 files)': `import { createCognitoVerifier } from ${JSON.stringify(distUrl)}; ${common}
const v = createCognitoVerifier({ userPoolId: '${POOL_ID}', tokenUse: 'access', clientId: '${CLIENT_ID}', jwks });
if (v.verifySync(token).client_id !== '${CLIENT_ID}') process.exit(1);`,
    '@cogauth/core (esbuild single file)': `import { createCognitoVerifier } from ${JSON.stringify(bundledUrl)}; ${common}
const v = createCognitoVerifier({ userPoolId: '${POOL_ID}', tokenUse: 'access', clientId: '${CLIENT_ID}', jwks });
if (v.verifySync(token).client_id !== '${CLIENT_ID}') process.exit(1);`,
    'aws-jwt-verify 5.2.1': `import { CognitoJwtVerifier } from ${JSON.stringify(awsUrl)}; ${common}
const v = CognitoJwtVerifier.create({ userPoolId: '${POOL_ID}', tokenUse: 'access', clientId: '${CLIENT_ID}' });
v.cacheJwks(jwks);
if (v.verifySync(token).client_id !== '${CLIENT_ID}') process.exit(1);`,
    'jose 6': `import { createLocalJWKSet, jwtVerify } from ${JSON.stringify(joseUrl)}; ${common}
const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: '${ISSUER}', algorithms: ['RS256'] });
if (payload.client_id !== '${CLIENT_ID}') process.exit(1);`,
  };
  if (https !== undefined) {
    const awsEsm = (file) =>
      JSON.stringify(pathToFileURL(join(pkgRoot, 'node_modules/aws-jwt-verify/dist/esm', file)).href);
    const coreFetched = (url) => `import { createCognitoVerifier } from ${JSON.stringify(url)}; ${common}
const v = createCognitoVerifier({ userPoolId: '${POOL_ID}', tokenUse: 'access', clientId: '${CLIENT_ID}', jwksUri: '${https.url}' });
if ((await v.verify(token)).client_id !== '${CLIENT_ID}') process.exit(1);`;
    scripts[`${FETCHED}@cogauth/core (dist/index.js)`] = coreFetched(distUrl);
    scripts[`${FETCHED}@cogauth/core (esbuild single file)`] = coreFetched(bundledUrl);
    // CognitoJwtVerifier fetches only from Cognito's own URL: its own https fetcher is pointed at 127.0.0.1.
    scripts[`${FETCHED}aws-jwt-verify 5.2.1 (its SimpleFetcher)`] =
      `import { CognitoJwtVerifier } from ${awsEsm('index.js')};
import { SimpleJwksCache } from ${awsEsm('jwk.js')}; import { SimpleFetcher } from ${awsEsm('https.js')}; ${common}
const fetcher = new SimpleFetcher();
const v = CognitoJwtVerifier.create({ userPoolId: '${POOL_ID}', tokenUse: 'access', clientId: '${CLIENT_ID}' },
  { jwksCache: new SimpleJwksCache({ fetcher: { fetch: () => fetcher.fetch('${https.url}') } }) });
if ((await v.verify(token)).client_id !== '${CLIENT_ID}') process.exit(1);`;
  }
  // Every script ends by printing its own CPU time (µs) so far: unlike wall time, that does not grow
  // when other processes compete for the machine.
  const report = 'const u = process.cpuUsage(); process.stdout.write(String(u.user + u.system));';
  const files = {};
  for (const [name, body] of Object.entries(scripts)) {
    if (body === null) continue;
    const file = join(dir, `${Object.keys(files).length}.mjs`);
    writeFileSync(file, `${body}\n${report}\n`);
    files[name] = file;
  }
  const run = (name) => {
    const args = scripts[name] === null ? ['-e', report] : [files[name]];
    const t0 = process.hrtime.bigint();
    const env = https === undefined ? process.env : { ...process.env, NODE_EXTRA_CA_CERTS: https.certFile };
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (result.status !== 0) throw new Error(`${name} cold start failed: ${result.stderr}`);
    return { ms, cpuMs: Number(result.stdout) / 1000 };
  };
  const names = Object.keys(scripts);
  const wall = Object.fromEntries(names.map((n) => [n, []]));
  const cpu = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) run(n); // warm the file system cache
  for (let r = 0; r < COLD_RUNS; r++) {
    for (let k = 0; k < names.length; k++) {
      const n = names[(k + r) % names.length];
      const { ms, cpuMs } = run(n);
      wall[n].push(ms);
      cpu[n].push(cpuMs);
    }
  }
  https?.stop();
  rmSync(dir, { recursive: true, force: true });
  if (https === undefined)
    console.error('openssl not found: the cold-start rows with a fetched JWKS are skipped');
  const empty = names[0];
  return names.map((n) => ({
    name: n,
    ms: median(wall[n]),
    delta: median(wall[n]) - median(wall[empty]),
    cpuMs: median(cpu[n]),
    cpuDelta: median(cpu[n]) - median(cpu[empty]),
  }));
}

// ---------------------------------------------------------------------------------------------
// Bundle size: esbuild, minified, ESM, only the verifier entry of each library; platform node, or for the
// web rows platform neutral with a Cloudflare Worker's conditions (workerd, worker, browser).
async function bundleSize(name, contents, webRow = false) {
  const result = await build({
    stdin: { contents, resolveDir: pkgRoot, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    ...(webRow
      ? { platform: 'neutral', conditions: ['workerd', 'worker', 'browser'], target: 'es2022' }
      : { platform: 'node', target: 'node22' }),
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const bytes = result.outputFiles[0].contents;
  return { name, bytes: bytes.byteLength, gzip: gzipSync(bytes).byteLength };
}

// ---------------------------------------------------------------------------------------------
const started = Date.now();
let distinctCursor = 0;
const distinct = await scenario((i) => tokens[i % DISTINCT]);
// Continue core's cycle and prove it misses: a hit returns the very same frozen claims object again.
{
  const seen = new WeakSet();
  let hits = 0;
  for (let i = distinctCursor; i < distinctCursor + 3 * DISTINCT; i++) {
    const claims = await core.verify(tokens[i % DISTINCT]);
    if (seen.has(claims)) hits++;
    seen.add(claims);
  }
  if (hits !== 0) throw new Error(`distinct scenario is not cache-free: ${hits} hits`);
}
const repeated = await scenario(() => tokens[7]);
const cold = await coldStart();
const bundles = [
  await bundleSize(
    '@cogauth/core (createCognitoVerifier)',
    `export { createCognitoVerifier } from ${JSON.stringify(join(dist, 'index.js'))};`,
  ),
  await bundleSize(
    'aws-jwt-verify 5.2.1 (CognitoJwtVerifier)',
    "export { CognitoJwtVerifier } from 'aws-jwt-verify';",
  ),
  await bundleSize(
    'jose 6 (jwtVerify + createRemoteJWKSet)',
    "export { jwtVerify, createRemoteJWKSet } from 'jose';",
  ),
  ...(web === undefined
    ? []
    : [
        await bundleSize(
          'web: @cogauth/core (createCognitoVerifier)',
          `export { createCognitoVerifier } from ${JSON.stringify(webEntry)};`,
          true,
        ),
        await bundleSize(
          'web: @cogauth/core + @cogauth/core/hono (createAuthenticator, cogauthHono)',
          `export { createCognitoVerifier, createAuthenticator } from ${JSON.stringify(webEntry)};
export { cogauthHono } from ${JSON.stringify(join(dist, 'web/hono.js'))};`,
          true,
        ),
        await bundleSize(
          'web: aws-jwt-verify 5.2.1 (CognitoJwtVerifier)',
          "export { CognitoJwtVerifier } from 'aws-jwt-verify';",
          true,
        ),
        await bundleSize(
          'web: jose 6 (jwtVerify + createRemoteJWKSet)',
          "export { jwtVerify, createRemoteJWKSet } from 'jose';",
          true,
        ),
      ]),
];
await server.close();

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const x = (r) => `${r.toFixed(2)}x`;
const signed = (d) => `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
const lines = [];
lines.push(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, load average ${loadavg()[0].toFixed(1)} at the end.`,
);
lines.push(
  `RSA-2048 RS256 Cognito-shaped access tokens (${tokens[0].length} chars), JWKS served from 127.0.0.1.`,
);
lines.push(
  `${ROUNDS} rounds x ${SLICE_MS} ms per contender, order rotated each round, ratios taken within a round; medians.`,
);
lines.push(
  'ops/s = verified tokens per CPU-second of this process (immune to other load); wall-clock ratios in the last column.',
);
lines.push(
  '@cogauth/core runs with default settings (result cache on, 1,000 entries): 2,000 round-robin tokens always miss it.',
);
lines.push('');
lines.push(
  '| contender | 2,000 distinct tokens ops/s | ratio to floor | same token repeated ops/s | ratio to floor | wall-clock ratios (distinct / repeated) |',
);
lines.push('|---|---:|---:|---:|---:|---:|');
contenders.forEach((c, i) => {
  const d = distinct[i];
  const r = repeated[i];
  lines.push(
    `| ${c.name} | ${fmt(d.ops)} | ${x(d.ratio)} | ${fmt(r.ops)} | ${x(r.ratio)} | ${x(d.wallRatio)} / ${x(r.wallRatio)} |`,
  );
});
lines.push('');
lines.push(
  `| cold start: fresh \`node\` to first verified token, preloaded JWKS (median of ${COLD_RUNS}) | wall ms | vs empty node | CPU ms | vs empty node |`,
);
lines.push('|---|---:|---:|---:|---:|');
const coldRow = (c, name) => {
  const base = c.name === cold[0].name;
  lines.push(
    `| ${name} | ${c.ms.toFixed(1)} | ${base ? '-' : signed(c.delta)} | ${c.cpuMs.toFixed(1)} | ${base ? '-' : signed(c.cpuDelta)} |`,
  );
};
for (const c of cold) if (!c.name.startsWith(FETCHED)) coldRow(c, c.name);
lines.push('');
const fetchedRows = cold.filter((c) => c.name.startsWith(FETCHED));
if (fetchedRows.length > 0) {
  lines.push(
    `| cold start: fresh \`node\` to first verified token, JWKS fetched over https from 127.0.0.1 (median of ${COLD_RUNS}, same runs) | wall ms | vs empty node | CPU ms | vs empty node |`,
  );
  lines.push('|---|---:|---:|---:|---:|');
  for (const c of fetchedRows) coldRow(c, c.name.slice(FETCHED.length));
  lines.push('');
}
lines.push(
  '| bundle (esbuild --bundle --minify --format=esm; --platform=node, web: --platform=neutral --conditions=workerd,worker,browser) | bytes | gzip |',
);
lines.push('|---|---:|---:|');
for (const b of bundles)
  lines.push(`| ${b.name} | ${fmt(b.bytes)} (${(b.bytes / 1024).toFixed(1)} KiB) | ${fmt(b.gzip)} |`);
lines.push('');
lines.push(`(bench took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(lines.join('\n'));
if (process.argv.includes('--json'))
  console.log(JSON.stringify({ distinct, repeated, cold, bundles }, null, 2));

// `pnpm --filter @cogauth/cedar bench` (part of `pnpm bench`): the deployable bundles, Cedar's next to core's
// rules bundle, as Lambda runs them. Cold start: a fresh node process imports the bundle (the handler module's
// init: environment, policies, engine) and answers its first event (a verified token; the WebAssembly engine
// tiers up while it runs), CPU (all threads, process.cpuUsage) and wall time, medians. Then µs per event in
// one process (distinct tokens, and one token repeated), and the zip each deploy package ships. Variants of
// the Cedar bundle's engine start: as shipped (WebAssembly.compile during init), compiled synchronously, and
// with V8's Liftoff only (v8.setFlagsFromString before compiling: Node refuses V8's wasm flags in
// NODE_OPTIONS, and Lambda gives no other way to pass them). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { rulesToCedar } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const CEDAR_BUNDLE = join(here, '../dist/lambda');
const CORE_BUNDLE = join(dirname(require.resolve('@cogauth/core/lambda-bundle')), 'index.mjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const COLD_ROUNDS = Math.max(7, Math.floor(ROUNDS / 2));
const EVENTS = 2000;
const POOL = 'us-east-1_ABC1234';
const RULES = JSON.parse(readFileSync(join(here, '../../sample/rules.json'), 'utf8'));
const translated = rulesToCedar(RULES, { userPoolId: POOL, namespace: 'Sample' });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 1) => n.toFixed(d);
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWKS = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' }] };
function token(i) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'RS256', kid: 'bench' })}.${b64({
    sub: `user-${i}`,
    iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    token_use: 'access',
    client_id: 'client',
    scope: 'openid',
    'cognito:groups': ['writers', 'admin', 'readers'].filter((_, g) => (i >> g) & 1),
    iat: now,
    exp: now + 3600,
    jti: `jti-${i}`,
  })}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';
const ROUTES = ['GET/messages', 'POST/messages', 'DELETE/messages/42', 'GET/me'];
const eventOf = (t, i) => ({
  type: 'TOKEN',
  authorizationToken: `Bearer ${t}`,
  methodArn: ARN + ROUTES[i & 3],
});

const dir = mkdtempSync(join(tmpdir(), 'cogauth-cedar-lambda-bench-'));
const baseEnv = {
  PATH: process.env.PATH,
  COGAUTH_USER_POOL_ID: POOL,
  COGAUTH_CLIENT_IDS: 'client',
  COGAUTH_JWKS: JSON.stringify(JWKS),
  COGAUTH_JWKS_OFFLINE: 'true',
};

/** A task root: the bundle's files, the policy files. */
function taskRoot(name, files) {
  const root = join(dir, name);
  mkdirSync(root);
  for (const [file, from] of files) copyFileSync(from, join(root, file));
  writeFileSync(join(root, 'policies.cedar'), translated.policies);
  writeFileSync(join(root, 'schema.json'), JSON.stringify(translated.schema));
  return root;
}

/** Variants of the Cedar bundle's entry, built like scripts/bundle.mjs builds the shipped one. */
async function variant(name, prologue, start) {
  const root = taskRoot(name, [['cedar_wasm_bg.wasm', join(CEDAR_BUNDLE, 'cedar_wasm_bg.wasm')]]);
  const entry = join(root, 'entry.mjs');
  writeFileSync(
    entry,
    `${prologue}
import { readFileSync } from 'node:fs';
import { handlerFromEnv } from ${JSON.stringify(fileURLToPath(import.meta.resolve('@cogauth/core/lambda')))};
import { readCedarEnvironment } from ${JSON.stringify(join(here, '../dist/environment.js'))};
import { startCedar } from ${JSON.stringify(join(here, '../dist/wasm.js'))};
const bytes = readFileSync(new URL('./cedar_wasm_bg.wasm', import.meta.url));
${start}
export const handler = handlerFromEnv(process.env, readCedarEnvironment(process.env));
`,
  );
  await build({
    entryPoints: [entry],
    outfile: join(root, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    logLevel: 'error',
    logOverride: { 'ignored-bare-import': 'silent' },
    absWorkingDir: join(here, '..'),
  });
  return root;
}

const cedarEnv = { COGAUTH_CEDAR_POLICIES_FILE: 'policies.cedar', COGAUTH_CEDAR_SCHEMA_FILE: 'schema.json' };
const BUNDLES = {
  rules: {
    root: taskRoot('rules', [['index.mjs', CORE_BUNDLE]]),
    env: { COGAUTH_RULES: JSON.stringify(RULES) },
  },
  cedar: {
    root: taskRoot(
      'cedar',
      readdirSync(CEDAR_BUNDLE).map((f) => [f, join(CEDAR_BUNDLE, f)]),
    ),
    env: cedarEnv,
  },
  cedarSync: {
    root: await variant('sync', '', 'startCedar(bytes);'),
    env: cedarEnv,
  },
  cedarLiftoff: {
    root: await variant(
      'liftoff',
      "import { setFlagsFromString } from 'node:v8'; setFlagsFromString('--liftoff-only');",
      'startCedar(await WebAssembly.compile(bytes));',
    ),
    env: cedarEnv,
  },
};

/** One fresh process: init (import) and the first event, then `n` events; CPU and wall times. */
function probe(name, n, repeat) {
  const { root, env } = BUNDLES[name];
  const tokens = Array.from({ length: n + 1 }, (_, i) => token(repeat ? 0 : i + 1));
  writeFileSync(join(root, 'events.json'), JSON.stringify(tokens.map(eventOf)));
  const script = `
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const t0 = performance.now();
    const { handler } = await import('./index.mjs');
    const init = { wall: performance.now() - t0, cpu: cpu() };
    const events = JSON.parse((await import('node:fs')).readFileSync('./events.json', 'utf8'));
    const t1 = performance.now(); const c1 = cpu();
    const first = await handler(events[0]);
    const firstEvent = { wall: performance.now() - t1, cpu: cpu() - c1 };
    const t2 = performance.now();
    for (let i = 1; i < events.length; i++) await handler(events[i]);
    const perEvent = events.length > 1 ? ((performance.now() - t2) * 1000) / (events.length - 1) : 0;
    console.log(JSON.stringify({ init, firstEvent, perEvent, effect: first.policyDocument.Statement[0].Effect }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    env: { ...baseEnv, ...env, LAMBDA_TASK_ROOT: root },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function bareCpu() {
  const out = execFileSync(
    process.execPath,
    ['-e', 'const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)'],
    {
      encoding: 'utf8',
    },
  );
  return Number(out.trim());
}

function coldStarts() {
  const names = Object.keys(BUNDLES);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const bare = [];
  for (let r = 0; r < COLD_ROUNDS; r++) {
    bare.push(bareCpu());
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(probe(name, 0, true));
    }
  }
  const b = median(bare);
  return Object.fromEntries(
    names.map((n) => {
      const s = samples[n];
      return [
        n,
        {
          initCpu: median(s.map((x) => x.init.cpu)) - b,
          initWall: median(s.map((x) => x.init.wall)),
          firstCpu: median(s.map((x) => x.firstEvent.cpu)),
          firstWall: median(s.map((x) => x.firstEvent.wall)),
          effect: s[0].effect,
        },
      ];
    }),
  );
}

function steady() {
  const out = {};
  for (const name of ['rules', 'cedar', 'cedarLiftoff']) {
    const distinct = [];
    const repeated = [];
    for (let r = 0; r < Math.max(3, Math.floor(ROUNDS / 7)); r++) {
      distinct.push(probe(name, EVENTS, false).perEvent);
      repeated.push(probe(name, EVENTS, true).perEvent);
    }
    out[name] = { distinct: median(distinct), repeated: median(repeated) };
  }
  return out;
}

/** The deflated size of the files a deploy package zips (the zip adds ~100 bytes of headers per file). */
function zipped(files) {
  return files.reduce((n, f) => n + deflateRawSync(readFileSync(f), { level: 9 }).length + 100, 22);
}

try {
  const cold = coldStarts();
  const run = steady();
  const rulesZip = zipped([CORE_BUNDLE]);
  const cedarZip = zipped([
    ...readdirSync(CEDAR_BUNDLE).map((f) => join(CEDAR_BUNDLE, f)),
    join(BUNDLES.cedar.root, 'policies.cedar'),
    join(BUNDLES.cedar.root, 'schema.json'),
  ]);
  console.log(`\nLambda bundles (node ${process.version}; ${COLD_ROUNDS} cold starts, medians)`);
  console.log('sample rules as COGAUTH_RULES vs their rulesToCedar translation as policy files\n');
  console.log(
    "| bundle | init CPU (vs node -e '') | init wall | first event CPU / wall | µs/event, distinct tokens | µs/event, one token |",
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  const row = (label, name) => {
    const c = cold[name];
    const s = run[name];
    console.log(
      `| ${label} | +${fmt(c.initCpu)} ms | ${fmt(c.initWall)} ms | ${fmt(c.firstCpu)} / ${fmt(c.firstWall)} ms | ${s ? fmt(s.distinct) : '–'} | ${s ? fmt(s.repeated) : '–'} |`,
    );
  };
  row('core rules (`@cogauth/core/lambda-bundle`)', 'rules');
  row('Cedar, as shipped (`WebAssembly.compile` in init)', 'cedar');
  row('Cedar, compiled synchronously', 'cedarSync');
  row('Cedar, `--liftoff-only` (v8.setFlagsFromString)', 'cedarLiftoff');
  const kib = (b) => `${fmt(b / 1024)} KiB`;
  console.log(`\nzip: rules ${kib(rulesZip)}; Cedar ${kib(cedarZip)} (bundle, .wasm, policies, schema)`);
  console.log(
    `first answers: ${Object.entries(cold)
      .map(([k, v]) => `${k} ${v.effect}`)
      .join(', ')}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

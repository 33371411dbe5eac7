// `pnpm --filter @cogauth/cedar bench` (part of `pnpm bench`): the deployable bundles, Cedar's next to core's
// rules bundle, as Lambda runs them. Cold start: a fresh node process imports the bundle (the handler module's
// init: environment, policies, engine) and answers its first event (a verified token; the WebAssembly engine
// tiers up while it runs): CPU (all threads, process.cpuUsage, counted from before the import) and wall time,
// medians of interleaved runs. Then µs per event in one process (distinct tokens, and one token repeated),
// and the zip each deploy package ships. Variants of the Cedar bundle's engine start: as shipped
// (WebAssembly.compile during init), compiled synchronously, and with V8's Liftoff compiler only — given on
// node's command line, as a Lambda exec wrapper script (AWS_LAMBDA_EXEC_WRAPPER) would start it (Node refuses
// the flag in NODE_OPTIONS), or set by the bundle itself with v8.setFlagsFromString before compiling (which
// Node documents as unsafe after start-up). Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
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
const ONE = token(0);
const SIGNED = [];
/** The i-th distinct token, signed once per run. */
const signed = (i) => {
  while (SIGNED.length <= i) SIGNED.push(token(SIGNED.length + 1));
  return SIGNED[i];
};
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';
const ROUTES = ['GET/messages', 'POST/messages', 'DELETE/messages/42', 'GET/me'];
const eventOf = (t, i) => ({
  type: 'TOKEN',
  authorizationToken: `Bearer ${t}`,
  methodArn: ARN + ROUTES[i & 3],
});

const dir = mkdtempSync(join(tmpdir(), 'cogauth-cedar-lambda-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
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
const shipped = taskRoot(
  'cedar',
  readdirSync(CEDAR_BUNDLE).map((f) => [f, join(CEDAR_BUNDLE, f)]),
);
const BUNDLES = {
  rules: {
    label: 'core rules (`@cogauth/core/lambda-bundle`)',
    root: taskRoot('rules', [['index.mjs', CORE_BUNDLE]]),
    env: { COGAUTH_RULES: JSON.stringify(RULES) },
  },
  cedar: {
    label: 'Cedar, as shipped (`WebAssembly.compile` in init)',
    root: shipped,
    env: cedarEnv,
  },
  cedarSync: {
    label: 'Cedar, compiled synchronously (`new WebAssembly.Module`)',
    root: await variant('sync', '', 'startCedar(bytes);'),
    env: cedarEnv,
  },
  cedarLiftoff: {
    label: 'Cedar, as shipped, `node --liftoff-only` (exec wrapper)',
    root: shipped,
    env: cedarEnv,
    node: ['--liftoff-only'],
  },
  cedarLiftoffCode: {
    label: 'Cedar, `v8.setFlagsFromString(--liftoff-only)` in init',
    root: await variant(
      'liftoff',
      "import { setFlagsFromString } from 'node:v8'; setFlagsFromString('--liftoff-only');",
      'startCedar(await WebAssembly.compile(bytes));',
    ),
    env: cedarEnv,
  },
};

/**
 * One fresh process: init (import) and the first event, then `n` events to warm up (V8 compiles the hot code,
 * and tiers the WebAssembly up, meanwhile) and `n` more timed; CPU and wall times.
 */
function probe(name, n, repeat) {
  const { root, env, node = [] } = BUNDLES[name];
  const events = Array.from({ length: 2 * n + 1 }, (_, i) => eventOf(repeat ? ONE : signed(i), i));
  writeFileSync(join(root, 'events.json'), JSON.stringify(events));
  const script = `
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    const t0 = performance.now(); const c0 = cpu();
    const { handler } = await import('./index.mjs');
    const init = { wall: performance.now() - t0, cpu: cpu() - c0 };
    const events = JSON.parse((await import('node:fs')).readFileSync('./events.json', 'utf8'));
    const t1 = performance.now(); const c1 = cpu();
    const first = await handler(events[0]);
    const firstEvent = { wall: performance.now() - t1, cpu: cpu() - c1 };
    const half = (events.length - 1) / 2;
    for (let i = 1; i <= half; i++) await handler(events[i]);
    const t2 = performance.now();
    for (let i = half + 1; i < events.length; i++) await handler(events[i]);
    const perEvent = half > 0 ? ((performance.now() - t2) * 1000) / half : 0;
    console.log(JSON.stringify({ init, firstEvent, perEvent, effect: first.policyDocument.Statement[0].Effect }));`;
  const out = execFileSync(process.execPath, [...node, '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...baseEnv, ...env, LAMBDA_TASK_ROOT: root },
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop());
}

function coldStarts() {
  const names = Object.keys(BUNDLES);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < COLD_ROUNDS; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(probe(name, 0, true));
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const s = samples[n];
      return [
        n,
        {
          initCpu: median(s.map((x) => x.init.cpu)),
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

/**
 * The size of a zip of `files` as the Serverless plugin writes it (zip.ts: deflate level 9, a 30-byte local
 * header and a 46-byte central record per file, each with the name, and the 22-byte end record).
 */
function zipped(files) {
  return files.reduce((n, f) => {
    const name = Buffer.byteLength(f.split('/').pop());
    return n + 30 + 46 + 2 * name + deflateRawSync(readFileSync(f), { level: 9 }).length;
  }, 22);
}

{
  const cold = coldStarts();
  // Every bundle must give the rules' answer to the first event, or the figures measure a failure.
  for (const [name, { effect }] of Object.entries(cold))
    if (effect !== cold.rules.effect)
      throw new Error(`${name} answered ${effect}, the rules ${cold.rules.effect}`);
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
    '| bundle | init CPU / wall | first event CPU / wall | µs/event, distinct tokens | µs/event, one token |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, { label }] of Object.entries(BUNDLES)) {
    const c = cold[name];
    const s = run[name];
    console.log(
      `| ${label} | ${fmt(c.initCpu)} / ${fmt(c.initWall)} ms | ${fmt(c.firstCpu)} / ${fmt(c.firstWall)} ms | ${s ? fmt(s.distinct) : '–'} | ${s ? fmt(s.repeated) : '–'} |`,
    );
  }
  const kib = (b) => `${fmt(b / 1024)} KiB`;
  const sizes = readdirSync(CEDAR_BUNDLE).map((f) => `${f} ${kib(statSync(join(CEDAR_BUNDLE, f)).size)}`);
  console.log(`\nfiles: rules index.mjs ${kib(statSync(CORE_BUNDLE).size)}; Cedar ${sizes.join(' + ')}`);
  console.log(`zip: rules ${kib(rulesZip)}; Cedar ${kib(cedarZip)} (bundle, .wasm, policies, schema)`);
  console.log(`every bundle's first answer: ${cold.rules.effect}, as the rules'`);
}

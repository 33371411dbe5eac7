// `pnpm --filter @cogauth/cedar bench` (part of `pnpm bench`): the Cedar engine next to core's rules.
// Cold start in fresh node processes (CPU, minus `node -e ''`), time per decision on distinct tokens and
// memoised, and the size of an esbuild bundle with the engine's WebAssembly. Medians; run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { decide, parseRules } from '@cogauth/core/rules';
import { build } from 'esbuild';
import { loadCedar, rulesToCedar } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../dist/index.js');
const coreDist = createRequire(import.meta.url).resolve('@cogauth/core/rules');
const wasmPath = join(
  dirname(createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs')),
  'cedar_wasm_bg.wasm',
);
const POOL = 'us-east-1_ABC1234';
const RULES = JSON.parse(readFileSync(join(here, '../../sample/rules.json'), 'utf8'));
const translated = rulesToCedar(RULES, { userPoolId: POOL, namespace: 'Sample' });
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const TOKENS = 2000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 1) => n.toFixed(d);

function coldCpuMs(script) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const { user, system } = JSON.parse(out.trim().split('\n').pop());
  return (user + system) / 1000;
}

function coldStart() {
  const cpu = `console.log(JSON.stringify(process.cpuUsage()))`;
  const rulesJson = JSON.stringify(RULES);
  const scripts = {
    bare: cpu,
    rules: `const c = await import(${JSON.stringify(coreDist)}); c.parseRules(${JSON.stringify(rulesJson)}); ${cpu}`,
    cedarImport: `await import(${JSON.stringify(dist)}); ${cpu}`,
    cedar: `const c = await import(${JSON.stringify(dist)}); c.loadCedar(${JSON.stringify({ policies: translated.policies, schema: translated.schema })}); ${cpu}`,
  };
  const samples = Object.fromEntries(Object.keys(scripts).map((k) => [k, []]));
  const names = Object.keys(scripts);
  for (let r = 0; r < Math.max(7, Math.floor(ROUNDS / 2)); r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(coldCpuMs(scripts[name]));
    }
  }
  const bare = median(samples.bare);
  return {
    bare,
    rules: median(samples.rules) - bare,
    cedarImport: median(samples.cedarImport) - bare,
    cedar: median(samples.cedar) - bare,
  };
}

/** Claims of `n` distinct access tokens; `unique` gives each its own client_id (a class of its own). */
function tokens(n, unique, seed) {
  const groups = ['writers', 'admin', 'readers'];
  return Array.from({ length: n }, (_, i) =>
    Object.freeze({
      sub: `user-${seed}-${i}`,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      token_use: 'access',
      client_id: unique ? `client-${seed}-${i}` : 'client',
      scope: 'openid',
      exp: 1_900_000_000 + i,
      jti: `jti-${seed}-${i}`,
      'cognito:groups': groups.filter((_, g) => (i >> g) & 1),
    }),
  );
}

const REQUESTS = [
  ['GET', '/messages'],
  ['POST', '/messages'],
  ['DELETE', '/messages/42'],
  ['GET', '/me'],
];

/** µs per decision: each token decided once (distinct) or one token decided `n` times (memoised). */
function perDecision(decideOne, makeTokens) {
  const distinct = [];
  const memo = [];
  for (let r = 0; r < ROUNDS; r++) {
    const list = makeTokens(r);
    let t = performance.now();
    for (let i = 0; i < list.length; i++) decideOne(list[i], REQUESTS[i & 3]);
    distinct.push(((performance.now() - t) * 1000) / list.length);
    const one = list[0];
    decideOne(one, REQUESTS[0]);
    t = performance.now();
    for (let i = 0; i < TOKENS; i++) decideOne(one, REQUESTS[i & 3]);
    memo.push(((performance.now() - t) * 1000) / TOKENS);
  }
  return { distinct: median(distinct), memo: median(memo) };
}

function decisions() {
  const rules = parseRules(RULES);
  const engine = loadCedar({ policies: translated.policies, schema: translated.schema });
  const open = loadCedar({ policies: translated.policies });
  const byRules = (claims, [method, path]) => decide({ kind: 'http', method, path }, { claims }, rules);
  const byCedar =
    (e) =>
    (claims, [method, path]) =>
      e.decide(claims, { method, path });
  let seed = 0;
  return {
    rules: perDecision(byRules, () => tokens(TOKENS, true, seed++)),
    cedarShared: perDecision(byCedar(engine), () => tokens(TOKENS, false, seed++)),
    cedarUnique: perDecision(byCedar(open), () => tokens(TOKENS / 10, true, seed++)),
  };
}

async function bundleSize() {
  const dir = mkdtempSync(join(tmpdir(), 'cogauth-cedar-bench-'));
  try {
    const entry = join(dir, 'entry.mjs');
    writeFileSync(entry, `export { loadCedar } from ${JSON.stringify(dist)};\n`);
    const out = join(dir, 'bundle.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      outfile: out,
      logLevel: 'silent',
    });
    copyFileSync(wasmPath, join(dir, 'cedar_wasm_bg.wasm'));
    const check = `const { loadCedar } = await import(${JSON.stringify(out)});
      const fs = await import('node:fs');
      const e = loadCedar({ policies: ${JSON.stringify(translated.policies)}, wasm: fs.readFileSync(${JSON.stringify(join(dir, 'cedar_wasm_bg.wasm'))}) });
      console.log(e.actions.length);`;
    const actions = execFileSync(process.execPath, ['--input-type=module', '-e', check], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
    const js = readFileSync(out);
    const wasm = readFileSync(wasmPath);
    return {
      js: js.length,
      jsGz: gzipSync(js, { level: 9 }).length,
      wasm: statSync(wasmPath).size,
      wasmGz: gzipSync(wasm, { level: 9 }).length,
      actions,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cold = coldStart();
const d = decisions();
const size = await bundleSize();
const kib = (b) => `${fmt(b / 1024)} KiB`;
console.log(`@cogauth/cedar bench (node ${process.version}, ${ROUNDS} rounds, medians)`);
console.log(
  `sample rules (${RULES.length} rules) vs their rulesToCedar translation (${translated.actions.length} actions)\n`,
);
console.log(
  "| engine | cold start CPU (vs node -e '') | µs/decision, distinct tokens | µs/decision, memoised |",
);
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| core rules \`decide\` | +${fmt(cold.rules)} ms | ${fmt(d.rules.distinct, 2)} | ${fmt(d.rules.memo, 2)} |`,
);
console.log(
  `| cedar, schema (token classes shared) | +${fmt(cold.cedar)} ms (import +${fmt(cold.cedarImport)} ms) | ${fmt(d.cedarShared.distinct, 2)} | ${fmt(d.cedarShared.memo, 2)} |`,
);
console.log(
  `| cedar, no schema (every token its own class) | same | ${fmt(d.cedarUnique.distinct, 2)} | ${fmt(d.cedarUnique.memo, 2)} |`,
);
console.log(`\nbare node -e '': ${fmt(cold.bare)} ms CPU`);
console.log(
  `esbuild bundle (minified ESM): ${kib(size.js)} JS (${kib(size.jsGz)} gzipped) + ${kib(size.wasm)} wasm (${kib(size.wasmGz)} gzipped); ran it: ${size.actions} actions`,
);

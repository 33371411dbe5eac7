// `pnpm bench`: how long the built CLI takes to start and finish the commands people run most (`--help`,
// `decode`, `verify`, `token` from a saved session, `check`, `m2m` with a cached token), next to a bare
// `node -e ''`, as the median wall time of fresh processes. Budget: bare node + 60 ms. Also the two commands
// that decide with Cedar (outside the budget), and, from one more run of each command with module hooks
// (trace-modules.mjs), whether it loaded @cogauth/cedar: only those two may (exit 1 otherwise).
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/cogauth.js', import.meta.url));
const TRACE = fileURLToPath(new URL('./trace-modules.mjs', import.meta.url));
// Where @cogauth/cedar's files are (the workspace's package, as the CLI resolves it).
const CEDAR_ROOT = new URL('../', import.meta.resolve('@cogauth/cedar')).href;
// Each process reports its own CPU time (user + system) on fd 3 as it exits: steadier than wall time on a
// busy machine. The same preload runs for bare node, so it cancels out.
const CPU_PRELOAD = fileURLToPath(new URL('./report-cpu.cjs', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUDGET_MS = 60;

const dir = mkdtempSync(join(tmpdir(), 'cogauth-bench-'));
const POOL = 'us-east-1_BenchPool1';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench', alg: 'RS256', use: 'sig' };
const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
const input = `${b64({ alg: 'RS256', kid: 'bench' })}.${b64({
  sub: 'u',
  iss: ISSUER,
  client_id: 'benchclient',
  token_use: 'access',
  scope: 'a/b',
  'cognito:groups': ['writers'],
  exp: now + 3600,
  iat: now,
  username: 'u',
})}`;
const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
const jwksFile = join(dir, 'jwks.json');
writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
const rulesFile = join(dir, 'rules.json');
writeFileSync(rulesFile, JSON.stringify([{ route: 'POST /messages', groups: ['writers'] }]));
// The same rule as Cedar policies, for `check --policies`.
const policiesFile = join(dir, 'policies.cedar');
const translated = spawnSync(process.execPath, [BIN, 'rules-to-cedar', rulesFile, '--user-pool-id', POOL], {
  encoding: 'utf8',
});
if (translated.status !== 0)
  throw new Error(`rules-to-cedar exited ${translated.status}: ${translated.stderr}`);
writeFileSync(policiesFile, translated.stdout);

const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(dir, 'config'),
  XDG_STATE_HOME: join(dir, 'state'),
  XDG_CACHE_HOME: join(dir, 'cache'),
  NO_COLOR: '1',
};
// The session `cogauth login` would have saved, still valid: `token` prints it without a Cognito call.
const sessions = join(dir, 'state', 'cogauth', 'sessions');
mkdirSync(sessions, { recursive: true, mode: 0o700 });
writeFileSync(
  join(sessions, 'default.json'),
  JSON.stringify({
    version: 1,
    profile: 'default',
    kind: 'cognito',
    clientId: 'benchclient',
    userPoolId: POOL,
    accessToken: token,
    expiresAt: (now + 3600) * 1000,
  }),
  { mode: 0o600 },
);
// A Cognito stand-in in its own process (the runs below block this one): answers InitiateAuth with the
// bench token, so `refresh` measures what the CLI itself costs for a Cognito call (client load, request),
// and /oauth2/token (client_credentials) once: `m2m`'s warm-up run caches that token for the timed runs.
const cognito = spawn(
  process.execPath,
  [
    '-e',
    `const body = JSON.stringify({ AuthenticationResult: { AccessToken: process.env.TOKEN, ExpiresIn: 3600 } });
     const oauth = JSON.stringify({ access_token: process.env.TOKEN, token_type: 'Bearer', expires_in: 3600 });
     const s = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => {
       const m2m = req.url === '/oauth2/token';
       res.writeHead(200, { 'content-type': m2m ? 'application/json' : 'application/x-amz-json-1.1' });
       res.end(m2m ? oauth : body); }); });
     s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
  ],
  { env: { ...process.env, TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
);
const cognitoPort = await new Promise((resolve, reject) => {
  cognito.stdout.once('data', (d) => resolve(Number(String(d).trim())));
  cognito.once('exit', (code) => reject(new Error(`Cognito stand-in exited ${code}`)));
});

const pool = ['--user-pool-id', POOL, '--client-id', 'benchclient', '--jwks-file', jwksFile];
const cases = [
  ['node -e ""', ['-e', '']],
  ['cogauth --help', [BIN, '--help']],
  ['cogauth decode', [BIN, 'decode', token]],
  ['cogauth verify (--jwks-file)', [BIN, 'verify', ...pool, token]],
  ['cogauth token (saved session)', [BIN, 'token']],
  [
    'cogauth check (--jwks-file)',
    [BIN, 'check', ...pool, '--rules', rulesFile, '--route', 'POST /messages', token],
  ],
  ['cogauth rules-to-cedar', [BIN, 'rules-to-cedar', rulesFile, '--user-pool-id', POOL]],
  [
    'cogauth check --policies (--jwks-file)',
    [BIN, 'check', ...pool, '--policies', policiesFile, '--route', 'POST /messages', token],
  ],
  [
    'cogauth m2m (cached token)',
    [
      BIN,
      'm2m',
      '--domain',
      `http://127.0.0.1:${cognitoPort}`,
      '--client-id',
      'benchclient',
      '--scope',
      'a/b',
    ],
    { COGAUTH_CLIENT_SECRET: 'bench-client-secret' },
  ],
  [
    'cogauth refresh (local Cognito)',
    [
      BIN,
      'refresh',
      '--endpoint',
      `http://127.0.0.1:${cognitoPort}`,
      '--client-id',
      'benchclient',
      '--print',
      'access',
    ],
    { COGAUTH_REFRESH_TOKEN: 'bench-refresh-token' },
  ],
];
/** Commands that call a server are outside the startup budget. */
const CALLS_SERVER = new Set(['cogauth refresh (local Cognito)']);
/** The commands that decide with Cedar: they load @cogauth/cedar and its WebAssembly, outside the budget. */
const CEDAR = new Set(['cogauth rules-to-cedar', 'cogauth check --policies (--jwks-file)']);

/** Whether one run of `args` (with the module hooks) imported any file of @cogauth/cedar. */
function loadsCedar(label, args, extraEnv) {
  const list = join(dir, 'modules.txt');
  writeFileSync(list, '');
  const res = spawnSync(process.execPath, ['--import', TRACE, ...args], {
    env: { ...env, ...extraEnv, COGAUTH_BENCH_MODULES: list },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`${label} (traced) exited ${res.status}: ${res.stderr}`);
  const urls = readFileSync(list, 'utf8').split('\n');
  if (!urls.some((u) => u.endsWith('/dist/main.js')))
    throw new Error(`${label}: the module hooks saw nothing`);
  return urls.some((u) => u.startsWith(CEDAR_ROOT));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const results = [];
try {
  for (const [label, args, extraEnv] of cases) {
    const wall = [];
    const cpu = [];
    for (let i = 0; i < RUNS + 1; i += 1) {
      const started = process.hrtime.bigint();
      const res = spawnSync(process.execPath, ['-r', CPU_PRELOAD, ...args], {
        env: { ...env, ...extraEnv },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 0) throw new Error(`${label} exited ${res.status}: ${res.stderr}`);
      if (i === 0) continue; // the first run warms the file-system cache
      wall.push(ms);
      cpu.push(Number(res.output[3]));
    }
    const cedar = label.startsWith('node') ? undefined : loadsCedar(label, args.slice(0), extraEnv);
    results.push([label, median(wall), median(cpu), cedar]);
  }
} finally {
  cognito.kill();
  rmSync(dir, { recursive: true, force: true });
}

const [, baseWall, baseCpu] = results[0];
process.stdout.write(
  `cogauth startup: medians of ${RUNS} fresh processes, wall and CPU (budget: bare node + ${BUDGET_MS} ms)\n`,
);
const col = (v) => String(v).padStart(9);
const name = 40;
process.stdout.write(
  `  ${'command'.padEnd(name)} ${col('wall ms')} ${col('+node')} ${col('CPU ms')} ${col('+node')} ${col('Cedar')}\n`,
);
const strays = [];
for (const [label, wall, cpu, cedar] of results) {
  const bare = label.startsWith('node');
  const plus = (v, b) => col(bare ? '' : `+${(v - b).toFixed(1)}`);
  const outside = bare || CALLS_SERVER.has(label) || CEDAR.has(label);
  const mark = outside ? '' : wall - baseWall <= BUDGET_MS ? '  ok' : '  over budget';
  if (cedar === true && !CEDAR.has(label)) strays.push(label);
  const loaded = col(cedar === undefined ? '' : cedar ? 'loaded' : 'no');
  process.stdout.write(
    `  ${label.padEnd(name)} ${col(wall.toFixed(1))} ${plus(wall, baseWall)} ${col(cpu.toFixed(1))} ${plus(cpu, baseCpu)} ${loaded}${mark}\n`,
  );
}
if (strays.length > 0) {
  process.stdout.write(
    `@cogauth/cedar loaded by: ${strays.join(', ')} (only the Cedar commands may load it)\n`,
  );
  process.exitCode = 1;
}

// `pnpm dev` as a new user runs it (issue 21): start `node scripts/dev.mjs` (what `pnpm dev` runs after the
// build), wait for its ready lines, check it is still up a while later (it used to exit by itself about
// ten seconds after printing them), log in with the printed `local` profile and run the printed curl line
// (200), then Ctrl-C (SIGINT to its process group, as a terminal sends it) and find nothing of its process
// tree left, by PID and by port. HOME and XDG_* point into a temp dir: the real user config is never touched.
//
//   node --test scripts/tests/dev.test.mjs      (after `pnpm build`; `pnpm test` runs it)
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY = 'Ctrl-C stops everything';
const START_TIMEOUT_MS = 90_000;
/** Longer than the old `pnpm dev` lived after printing its ready lines. */
const STAY_UP_MS = 15_000;

const home = mkdtempSync(join(tmpdir(), 'cogauth-dev-test-'));
/** Everything the test started, for `after` to stop whatever a failure left running. */
const started = { group: 0, pids: [] };

after(() => {
  if (started.group > 0) signal(-started.group, 'SIGKILL');
  for (const pid of started.pids) signal(pid, 'SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

/** The environment a new user has: no COGAUTH_* or AWS_* settings, and a home of its own. */
function userEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(COGAUTH_|AWS_|XDG_)/.test(k)) env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    NO_COLOR: '1',
  };
}

function isRunning(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** `root` and every process below it, from `ps`. */
function processTree(root) {
  const children = new Map();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' }).split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) tree.push(...(children.get(tree[i]) ?? []));
  return tree;
}

function portRefuses(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function waitFor(what, check, timeoutMs) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      const value = check();
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`${what}: not within ${timeoutMs} ms`));
      setTimeout(poll, 100);
    };
    poll();
  });
}

/** One printed line, found by what it contains, without its trailing `# comment`. */
function printedLine(output, contains) {
  const line = output.split('\n').find((l) => l.includes(contains));
  assert.ok(line, `pnpm dev printed no line with ${contains}:\n${output}`);
  return line.replace(/\s+#.*$/, '').trim();
}

test('pnpm dev stays up until Ctrl-C, its printed login and curl work, and Ctrl-C stops everything', {
  timeout: 180_000,
}, async () => {
  const env = userEnv();
  const dev = spawn(process.execPath, ['scripts/dev.mjs'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.group = dev.pid;
  let output = '';
  dev.stdout.setEncoding('utf8').on('data', (d) => {
    output += d;
  });
  dev.stderr.setEncoding('utf8').on('data', (d) => {
    output += d;
  });
  let exit;
  dev.once('exit', (code, sig) => {
    exit = { code, signal: sig };
  });

  await waitFor('the ready lines', () => exit !== undefined || output.includes(READY), START_TIMEOUT_MS);
  assert.ok(output.includes(READY), `pnpm dev exited during start:\n${output}`);
  await new Promise((resolve) => setTimeout(resolve, STAY_UP_MS));
  assert.equal(exit, undefined, `pnpm dev exited by itself after printing its ready lines:\n${output}`);

  const tree = processTree(dev.pid);
  started.pids = tree;
  assert.ok(tree.length >= 3, `cognito-local and serverless offline run under pnpm dev: ${tree.join(' ')}`);
  const ports = [...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
  assert.ok(new Set(ports).size >= 2, `pnpm dev printed the Cognito and API ports:\n${output}`);

  // The printed profile login prompts on a terminal: here the password goes in on stdin instead.
  const password = /# password: (\S+)/.exec(output)?.[1];
  assert.ok(password, 'pnpm dev printed the password of the user its login line names');
  const login = printedLine(output, 'login --profile local');
  const curl = printedLine(output, 'token --profile local');
  const { stdout } = await promisify(execFile)(
    'bash',
    [
      '-c',
      `printf '%s' "$PASSWORD" | ${login} --password-stdin >/dev/null && ${curl} -s -o /dev/null -w '%{http_code}'`,
    ],
    { cwd: ROOT, env: { ...env, PASSWORD: password }, timeout: 60_000 },
  );
  assert.equal(stdout, '200', 'the printed curl line answers 200');
  await waitFor(
    'the decision line in the dev log',
    () => output.includes('authorizer: Allow ALLOWED GET /messages'),
    10_000,
  );

  process.kill(-dev.pid, 'SIGINT');
  await waitFor('pnpm dev to exit after Ctrl-C', () => exit !== undefined, 30_000);
  assert.deepEqual(exit, { code: 0, signal: null }, output);
  started.group = 0;
  assert.deepEqual(
    tree.filter((pid) => isRunning(pid)),
    [],
    'no process of the pnpm dev tree is left',
  );
  for (const port of new Set(ports)) assert.ok(await portRefuses(port), `port ${port} is free again`);
});

// Runs a command, passes its output through, and ends it when it hangs, so that a stuck process fails the
// run in minutes with a record of what was stuck, instead of holding CI until its 90-minute limit.
//
//   node .ci/watch.mjs <command> [args...]
//
// Hung means: no output for CI_STALL_SECONDS (default 600; the quietest healthy stretch of `pnpm test` is
// under 3 minutes), or the whole run past CI_LIMIT_SECONDS (default 2400; a healthy run takes about 5
// minutes on 2 cores). Then it prints every process still running (tree, age, command line), stops the
// command's process group (SIGTERM, SIGKILL 10 s later) and exits 124.
import { execFileSync, spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node .ci/watch.mjs <command> [args...]');
  process.exit(2);
}
const seconds = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`watch: ${name} must be a positive whole number of seconds`);
    process.exit(2);
  }
  return value * 1000;
};
const stallMs = seconds('CI_STALL_SECONDS', 600);
const limitMs = seconds('CI_LIMIT_SECONDS', 2400);

// Its own process group, so that one kill reaches every process the command started.
const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
let lastOutput = Date.now();
const started = lastOutput;
child.stdout.on('data', (chunk) => {
  lastOutput = Date.now();
  process.stdout.write(chunk);
});
child.stderr.on('data', (chunk) => {
  lastOutput = Date.now();
  process.stderr.write(chunk);
});

function processTree() {
  try {
    return execFileSync('ps', ['-eo', 'pid,ppid,pgid,etimes,stat,args', '--forest'], { encoding: 'utf8' });
  } catch (error) {
    return `(ps failed: ${error.message})\n`;
  }
}

function kill(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone
  }
}

let gaveUp = false;
const timer = setInterval(() => {
  const now = Date.now();
  const why =
    now - lastOutput >= stallMs
      ? `no output for ${Math.round((now - lastOutput) / 1000)} s`
      : now - started >= limitMs
        ? `still running after ${Math.round((now - started) / 1000)} s`
        : undefined;
  if (!why || gaveUp) return;
  gaveUp = true;
  console.error(`\nwatch: ${command} ${args.join(' ')} looks stuck (${why}). Processes still running:`);
  console.error(processTree());
  kill('SIGTERM');
  setTimeout(() => kill('SIGKILL'), 10_000).unref();
}, 5_000);

child.on('error', (error) => {
  console.error(`watch: cannot start ${command}: ${error.message}`);
  process.exit(127);
});
// A process that outlives the command but holds its output open would keep 'close' from ever coming.
child.on('exit', () => {
  setTimeout(() => {
    console.error('\nwatch: the command exited but left processes holding its output open:');
    console.error(processTree());
    kill('SIGKILL');
  }, 30_000).unref();
});
child.on('close', (code, signal) => {
  clearInterval(timer);
  // Whatever the command left behind in its group goes with it.
  kill('SIGKILL');
  if (gaveUp) process.exit(124);
  process.exit(code ?? (signal ? 128 : 1));
});

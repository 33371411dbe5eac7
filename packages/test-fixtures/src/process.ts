import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * The one way the fixtures run a long-lived Node process (cognito-local, `serverless offline`): in its own
 * process group, with an orphan watchdog, stopped by killing that group, its temp dir removed.
 */
export interface NodeProcessOptions {
  /** The script `node` runs, then its arguments. */
  script: string;
  args?: readonly string[];
  cwd: string;
  /** Added to this process's environment. */
  env?: Record<string, string>;
  /** A directory the process owns: removed by stop(), by the exit hook and by the watchdog. */
  ownedDir?: string;
  /** Keep only the last this many characters of output; default all of it. */
  outputLimit?: number;
}

export interface NodeProcess {
  pid: number;
  /** Everything the process printed (stdout and stderr), or its tail with `outputLimit`. */
  output(): string;
  /**
   * Resolves once `ready()` is true (checked on every chunk of output and every 50 ms); rejects when the
   * process exits first or `timeoutMs` passes. Does not stop the process: the caller does.
   */
  waitUntil(ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void>;
  /** SIGTERM to the group, SIGKILL after `graceMs` (default 5000), then removes `ownedDir`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const WATCHDOG_INTERVAL_MS = 500;

/*
 * Preloaded into the child (`--import`, main thread only): when the process that started it is gone (a
 * crashed or SIGKILLed test runner, whose `exit` hook never ran) the child is re-parented, so it removes
 * its owned dir and kills its own process group instead of holding its port.
 */
const WATCHDOG = `import { rmSync } from 'node:fs';
const parent = Number(process.env.COGAUTH_WATCHDOG_PARENT);
const dir = process.env.COGAUTH_WATCHDOG_RMDIR;
if (parent > 0) {
  setInterval(() => {
    if (process.ppid === parent) return;
    try { if (dir) rmSync(dir, { recursive: true, force: true }); } finally { process.kill(-process.pid, 'SIGKILL'); }
  }, ${WATCHDOG_INTERVAL_MS}).unref();
}
`;
const WATCHDOG_URL = `data:text/javascript,${encodeURIComponent(WATCHDOG)}`;

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

function exitWithin(child: ChildProcess, ms: number): Promise<boolean> {
  if (!running(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    child.once('exit', onExit);
  });
}

/** Starts `node <script> <args>` as described in {@link NodeProcessOptions}. */
export function startNodeProcess(options: NodeProcessOptions): NodeProcess {
  const removeDir = () => {
    if (options.ownedDir !== undefined) rmSync(options.ownedDir, { recursive: true, force: true });
  };
  const child = spawn(process.execPath, ['--import', WATCHDOG_URL, options.script, ...(options.args ?? [])], {
    cwd: options.cwd,
    env: {
      ...process.env,
      ...options.env,
      COGAUTH_WATCHDOG_PARENT: String(process.pid),
      COGAUTH_WATCHDOG_RMDIR: options.ownedDir ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() ends it and everything it spawned in one go.
    detached: true,
  });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (options.outputLimit !== undefined) output = output.slice(-options.outputLimit);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  child.on('error', (error) => onData(Buffer.from(`spawn error: ${error.message}\n`)));
  const pid = child.pid ?? 0;

  // A runner that exits without stop() still takes the process (and its dir) with it.
  const onRunnerExit = () => {
    if (running(child) && pid > 0) killGroup(pid, 'SIGKILL');
    try {
      removeDir();
    } catch {
      // best effort at exit
    }
  };
  process.on('exit', onRunnerExit);
  // Never keep the runner alive for the process; the exit hook and the watchdog clean up.
  child.unref();
  (child.stdout as { unref?: () => void } | null)?.unref?.();
  (child.stderr as { unref?: () => void } | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 5000): Promise<void> => {
    stopping ??= (async () => {
      if (running(child) && pid > 0) {
        killGroup(pid, 'SIGTERM');
        if (!(await exitWithin(child, graceMs))) {
          killGroup(pid, 'SIGKILL');
          await exitWithin(child, graceMs);
        }
      }
      // Anything the process left behind in its group.
      if (pid > 0) killGroup(pid, 'SIGKILL');
      process.off('exit', onRunnerExit);
      removeDir();
    })();
    return stopping;
  };

  const waitUntil = async (ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (pid === 0 || !running(child)) throw new Error('exited during start-up');
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`not ready after ${timeoutMs} ms`);
  };

  return { pid, output: () => output, waitUntil, stop };
}

/**
 * Runs `start` again (at most `attempts` times in all) when it failed with EADDRINUSE: freePort() only
 * proves a port was free a moment ago, and another process may take it first.
 */
export async function retryOnPortClash<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !String((error as Error)?.message).includes('EADDRINUSE')) throw error;
    }
  }
}

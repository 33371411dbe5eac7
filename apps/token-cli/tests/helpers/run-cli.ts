import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/cogauth.js', import.meta.url));

/**
 * A throw-away home for every run: the user's real config, sessions and cache are never read or written.
 * Tests that need their own pass XDG_* in `env`.
 */
export const TEST_HOME = mkdtempSync(join(tmpdir(), 'cogauth-home-'));
process.once('exit', () => rmSync(TEST_HOME, { recursive: true, force: true }));

/** The environment a run starts from: the process's, minus COGAUTH_* / AWS_*, with XDG dirs in TEST_HOME. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('COGAUTH_') && !k.startsWith('AWS_') && !k.startsWith('XDG_'))
      env[k] = v;
  }
  env.HOME = TEST_HOME;
  env.XDG_CONFIG_HOME = join(TEST_HOME, 'config');
  env.XDG_STATE_HOME = join(TEST_HOME, 'state');
  env.XDG_CACHE_HOME = join(TEST_HOME, 'cache');
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  notices: string[];
}

export interface RunOptions {
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /**
   * Move the "cogauth: using <config/endpoint> (not AWS)" line and argv-secret warnings out of `stderr` into
   * `notices`, for tests about something else (config-trust.test.ts checks those lines themselves).
   */
  stripNotices?: boolean;
}

const NOTICE = /^cogauth: (using .*|warning: .* on the command line is visible .*)$/;

/** Runs the BUILT binary (bin/cogauth.js -> dist/main.js) as a subprocess; stdin is a pipe, never a TTY. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  // A clean environment: no COGAUTH_* or AWS_* from the developer's shell leak into the tests.
  const env = cleanEnv(options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cogauth ${args[0]} timed out; stderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const notices: string[] = [];
      if (options.stripNotices) {
        const kept = stderr.split('\n').filter((line) => !(NOTICE.test(line) && notices.push(line)));
        stderr = kept.join('\n');
      }
      resolve({ code, stdout, stderr, notices });
    });
    child.stdin.end(options.input ?? '');
  });
}

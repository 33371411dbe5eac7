import { spawn, spawnSync } from 'node:child_process';
import { BIN, cleanEnv } from './run-cli.js';

/** util-linux `script` gives the CLI a real pseudo-terminal; tests that need one skip without it. */
export const HAS_SCRIPT =
  spawnSync('script', ['--version'], { encoding: 'utf8', timeout: 10_000 }).status === 0;

function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the built CLI on a pseudo-terminal (stdin, stdout and stderr are all the terminal) and types each
 * answer only after its prompt appeared. Returns everything the terminal showed.
 */
export function runInPty(
  args: string[],
  answers: Array<[prompt: string, answer: string | ((screen: string) => string)]>,
  timeoutMs = 20_000,
  env: Record<string, string | undefined> = {},
  /** Aborting stops `script` (and with its terminal, the CLI): for a test that fails while it waits. */
  signal?: AbortSignal,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const fullEnv = cleanEnv(env);
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: fullEnv,
      ...(signal ? { signal } : {}),
    });
    let screen = '';
    let next = 0;
    let searchFrom = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      screen += d;
      const pending = answers[next];
      if (!pending) return;
      const at = screen.indexOf(pending[0], searchFrom);
      if (at >= 0) {
        searchFrom = at + pending[0].length;
        next += 1;
        // Ctrl-C (\u0003) is typed alone; anything else is a line. A function computes it from the screen.
        const answer = typeof pending[1] === 'function' ? pending[1](screen) : pending[1];
        child.stdin.write(answer === '\u0003' ? answer : `${answer}\r`);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pty run timed out; screen: ${JSON.stringify(screen)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}

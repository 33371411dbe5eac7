// Starts one runtime serving a bundled app on 127.0.0.1 and stops it again: workerd through miniflare (its
// dispose), Bun and Deno as child processes (stopped by their PID's process group), edge-runtime in this
// process (its server's close).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cleanEnv } from '@cogauth/test-fixtures';

export interface Served {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything the runtime printed so far (child processes only). */
  output(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** Loads a package installed in `depsDir` (tests/runtimes/.deps). */
async function load<T>(depsDir: string, name: string): Promise<T> {
  const require = createRequire(join(depsDir, 'package.json'));
  return (await import(pathToFileURL(require.resolve(name)).href)) as T;
}

interface MiniflareLike {
  ready: Promise<URL>;
  dispose(): Promise<void>;
}

/** workerd, through miniflare's own HTTP entry on a free port. */
export async function startWorkerd(depsDir: string, script: string): Promise<Served> {
  const { Miniflare } = await load<{ Miniflare: new (options: object) => MiniflareLike }>(
    depsDir,
    'miniflare',
  );
  const mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: '2026-04-01',
    host: '127.0.0.1',
    port: 0,
  });
  try {
    const url = await mf.ready;
    return { url: url.origin, output: () => '', stop: () => mf.dispose() };
  } catch (error) {
    await mf.dispose();
    throw error;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Runs `command args` in its own process group and waits for its first stdout line, `{"port": n}`.
 * Stopped by SIGTERM to the group, SIGKILL after 5 s; also when this process exits first.
 */
export async function startChild(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<Served> {
  const child = spawn(command, args, {
    env: cleanEnv({ NO_COLOR: '1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const onExit = () => killGroup(child, 'SIGKILL');
  process.once('exit', onExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no port after ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`exited with ${code} before listening`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const line = output.split('\n').find((l) => l.startsWith('{"port":'));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
    });
    return { url: `http://127.0.0.1:${port}`, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${command} did not start: ${(error as Error).message}\n${output}`);
  }
}

export function startBun(depsDir: string, bundleFile: string): Promise<Served> {
  const bun = join(depsDir, 'node_modules/.bin/bun');
  return startChild(bun, ['run', bundleFile], { BUN_INSTALL_CACHE_DIR: join(depsDir, 'bun-cache') });
}

export function startDeno(depsDir: string, bundleFile: string): Promise<Served> {
  const denoDir = join(depsDir, 'deno-dir');
  mkdirSync(denoDir, { recursive: true });
  const deno = join(depsDir, 'node_modules/.bin/deno');
  // Network to 127.0.0.1 only: its own server and the JWKS server; nothing else is allowed.
  return startChild(deno, ['run', '--allow-net=127.0.0.1', '--no-prompt', bundleFile], {
    DENO_DIR: denoDir,
    DENO_NO_UPDATE_CHECK: '1',
  });
}

interface EdgeRuntimeModule {
  EdgeRuntime: new (options: { initialCode: string }) => unknown;
  runServer(options: { runtime: unknown; host: string; port: number }): Promise<{
    url: string;
    close(): Promise<void>;
  }>;
}

/** Vercel's edge-runtime, in this process: a vm context with the edge globals, behind a real HTTP server. */
export async function startEdge(depsDir: string, script: string): Promise<Served> {
  const { EdgeRuntime, runServer } = await load<EdgeRuntimeModule>(depsDir, 'edge-runtime');
  const runtime = new EdgeRuntime({ initialCode: script });
  const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
  return { url: new URL(server.url).origin, output: () => '', stop: () => server.close() };
}

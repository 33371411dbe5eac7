// The JavaScript runtimes tests/e2e/runtimes.test.ts runs, installed from the npm registry into .deps/
// (gitignored; about 360 MB) once, and reused while the pinned versions below stay the same.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv } from '@cogauth/test-fixtures';

/**
 * Exact versions. miniflare: the last release that runs on Node 20 (later ones declare Node ≥ 22); it
 * brings its own workerd.
 */
export const RUNTIME_PACKAGES = {
  miniflare: '4.20260426.0',
  bun: '1.4.5',
  deno: '2.9.6',
  'edge-runtime': '4.0.1',
} as const;

export const DEPS_DIR = join(import.meta.dirname, '.deps');
const STAMP = join(DEPS_DIR, 'installed.json');

export interface Installed {
  /** Where the packages are (`<dir>/node_modules`). */
  dir: string;
  /** Milliseconds spent installing now; 0 when the cache was reused. */
  installMs: number;
}

function run(command: string, args: string[], cwd: string): void {
  const result = spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) {
    rmSync(DEPS_DIR, { recursive: true, force: true });
    const why = result.status ?? result.error?.message;
    throw new Error(
      `installing the runtimes: ${command} ${args.join(' ')} failed (${why}):\n${result.stderr}`,
    );
  }
}

/** Installs the pinned runtimes into .deps unless the same versions are there already. */
export function installRuntimes(): Installed {
  const wanted = JSON.stringify(RUNTIME_PACKAGES);
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === wanted) return { dir: DEPS_DIR, installMs: 0 };
  const started = Date.now();
  rmSync(DEPS_DIR, { recursive: true, force: true });
  mkdirSync(DEPS_DIR, { recursive: true });
  writeFileSync(
    join(DEPS_DIR, 'package.json'),
    `${JSON.stringify({ private: true, dependencies: RUNTIME_PACKAGES }, null, 2)}\n`,
  );
  // No install scripts (npm 11 skips them by default, and sharp's, which miniflare pulls in, could try to
  // compile), except Bun's own, which puts its platform binary in place; workerd and Deno ship ready.
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], DEPS_DIR);
  run(process.execPath, ['install.js'], join(DEPS_DIR, 'node_modules/bun'));
  writeFileSync(STAMP, wanted);
  return { dir: DEPS_DIR, installMs: Date.now() - started };
}

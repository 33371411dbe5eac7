import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The end-to-end tests run bin/cogauth.js, which imports dist/: build it when src/ is newer (a direct
 * `vitest run` after an edit). Under turbo, `test` depends on `build`, so dist/ is fresh and nothing runs.
 * The build has a deadline: a stuck compiler fails the suite instead of holding it forever.
 */
export default function setup(): void {
  const main = join(root, 'dist', 'main.js');
  const sources = Math.max(
    newestMtime(join(root, 'src')),
    statSync(join(root, 'scripts', 'bundle.mjs')).mtimeMs,
  );
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 120_000,
  });
  if (run.status !== 0) {
    throw new Error(`building the CLI for its tests failed (${run.error?.message ?? `exit ${run.status}`})`);
  }
}

// Builds dist/ for bin/cogauth.js: the CLI as a few ESM files instead of one per module, because each
// module a command loads at start-up costs time (issue 16: every command within bare node + 60 ms).
// - dist/main.js: the CLI, the one entry point (bin/cogauth.js imports it).
// - dist/chunks/: the code main.js shares with src/flows.ts (one chunk, loaded at start), and what a command
//   loads only when it runs: src/flows.ts (login's challenges and devices, browser login, forgetting a
//   device, writing a profile; one dynamic entry, so that the shared code stays one chunk) and the QR code.
// @cogauth/core and yaml stay dependencies, loaded from node_modules (yaml only when a YAML config is read).
// Type checking is `pnpm typecheck` (tsc), not this script.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

await build({
  entryPoints: [join(root, 'src/main.ts')],
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  // @cogauth/cedar (and its 4 MB WebAssembly engine) is imported only by the commands that need it.
  external: ['@cogauth/core', '@cogauth/cedar', 'yaml'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

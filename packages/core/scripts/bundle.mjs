// Bundles the env-configured Lambda entry into one minified ESM file that both deploy apps ship as is.
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/lambda/index.mjs');

await build({
  entryPoints: [join(root, 'src/lambda.ts')],
  outfile,
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const bytes = statSync(outfile).size;
console.log(`dist/lambda/index.mjs: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) minified ESM`);

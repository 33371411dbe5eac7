// Build output for serverless.yml: dist/backend/index.mjs, the sample backend, bundled by esbuild.
// The authorizer is not built here: @cogauth/serverless-plugin ships @cogauth/core's bundle itself.
import { rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(appDir, 'dist');

async function bundleBackend() {
  const target = join(distDir, 'backend', 'index.mjs');
  await build({
    entryPoints: [join(appDir, 'src', 'backend.ts')],
    outfile: target,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return target;
}

await rm(distDir, { recursive: true, force: true });
for (const file of [await bundleBackend()]) {
  const { size } = await stat(file);
  console.log(`${relative(appDir, file)}  ${(size / 1024).toFixed(1)} KB`);
}

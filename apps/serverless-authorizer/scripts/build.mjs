// Build output for serverless.yml:
//   dist/authorizer/index.mjs  byte-for-byte copy of @cogauth/core's Lambda bundle (never re-bundled)
//   dist/backend/index.mjs     the sample backend, bundled by esbuild
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(appDir, 'dist');

function coreBundlePath() {
  return fileURLToPath(import.meta.resolve('@cogauth/core/lambda-bundle'));
}

async function sha256(path) {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

async function copyAuthorizer() {
  const source = coreBundlePath();
  try {
    await stat(source);
  } catch {
    throw new Error(`${source} is missing: run \`pnpm --filter @cogauth/core build\` first`);
  }
  const target = join(distDir, 'authorizer', 'index.mjs');
  await mkdir(dirname(target), { recursive: true });
  await copyFile(source, target);
  if ((await sha256(source)) !== (await sha256(target))) throw new Error(`${target} differs from ${source}`);
  return target;
}

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
for (const file of [await copyAuthorizer(), await bundleBackend()]) {
  const { size } = await stat(file);
  console.log(`${relative(appDir, file)}  ${(size / 1024).toFixed(1)} KB`);
}

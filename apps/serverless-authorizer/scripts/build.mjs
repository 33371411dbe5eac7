// Build output for serverless.yml: dist/backend/index.mjs, the sample backend that @cogauth/sample bundles
// (the CDK app deploys the same bytes). The authorizer is not built here: @cogauth/serverless-plugin ships
// @cogauth/core's bundle itself.
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(appDir, 'dist');
const target = join(distDir, 'backend', 'index.mjs');

await rm(distDir, { recursive: true, force: true });
await mkdir(join(distDir, 'backend'), { recursive: true });
await copyFile(createRequire(import.meta.url).resolve('@cogauth/sample/backend-bundle'), target);
const { size } = await stat(target);
console.log(`${relative(appDir, target)}  ${(size / 1024).toFixed(1)} KB`);

// Writes dist/lambda/: index.mjs (src/bundle-entry.ts with @cogauth/core and the engine's JavaScript, one
// minified ESM file) and cedar_wasm_bg.wasm (the engine, copied as it is), the `./lambda-bundle` export
// that the CDK construct and the Serverless plugin ship with the policy files beside them; and dist/index.cjs.
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/lambda');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'src/bundle-entry.ts')],
  outfile: join(out, 'index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  // @cogauth/core's ESM entries import their shared chunks bare; esbuild keeps what they export.
  logOverride: { 'ignored-bare-import': 'silent' },
});

// dist/index.cjs: the package as one CommonJS file (@cogauth/core left to require), not an export. The deploy
// packages require it by path at synth time, where the ES module cannot always be required: a CommonJS hook
// such as tsx's resolves the engine's `@cedar-policy/cedar-wasm/web` import without the `import` condition
// that subpath needs.
await build({
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(root, 'dist/index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  external: ['@cogauth/core', '@cogauth/core/*'],
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});

const wasm = join(
  dirname(createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs')),
  'cedar_wasm_bg.wasm',
);
copyFileSync(wasm, join(out, 'cedar_wasm_bg.wasm'));

for (const name of ['index.mjs', 'cedar_wasm_bg.wasm']) {
  const bytes = statSync(join(out, name)).size;
  const gzip = gzipSync(readFileSync(join(out, name))).length;
  console.log(`dist/lambda/${name}: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB), ${gzip} bytes gzip`);
}

// Writes the package's JavaScript; `tsc -p tsconfig.build.json` writes only the .d.ts files next to it.
// - dist/index.js and dist/lambda.js (the `.` and `./lambda` exports): esbuild ESM bundles, one shared chunk,
//   so importing the package loads two files instead of one per module (cold start), and both exports
//   share one copy of every class (`instanceof ConfigError` holds across them).
// - dist/lambda/index.mjs (`./lambda-bundle`): the env-configured Lambda entry as one minified ESM file
//   that both deploy apps ship as is.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// JavaScript left over from earlier builds (tsc used to emit one .js per module) must not linger.
for (const name of readdirSync(dist)) {
  if (name.endsWith('.js') || name === 'chunks') rmSync(join(dist, name), { recursive: true, force: true });
}

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: {
    index: join(root, 'src/index.ts'),
    lambda: join(root, 'src/lambda.ts'),
    // Framework adapters (`./express` …): their own entries, never reached from the Lambda bundle below.
    express: join(root, 'src/express.ts'),
    fastify: join(root, 'src/fastify.ts'),
    hono: join(root, 'src/hono.ts'),
    middy: join(root, 'src/middy.ts'),
  },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

const outfile = join(dist, 'lambda/index.mjs');
await build({
  ...common,
  entryPoints: [join(root, 'src/lambda.ts')],
  outfile,
  minify: true,
  target: 'node22',
  drop: ['debugger'],
});

const bytes = statSync(outfile).size;
const gzip = gzipSync(readFileSync(outfile)).length;
console.log(
  `dist/lambda/index.mjs: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) minified ESM, ${gzip} bytes gzip`,
);

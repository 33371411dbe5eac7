// Writes the package's JavaScript; `tsc -p tsconfig.build.json` writes only the .d.ts files next to it.
// - dist/index.js and dist/lambda.js (the `.` and `./lambda` exports for `import`): esbuild ESM bundles,
//   one shared chunk, so importing the package loads two files instead of one per module (cold start),
//   and both exports share one copy of every class (`instanceof ConfigError` holds across them).
// - dist/cjs/index.cjs and dist/cjs/lambda.cjs (the same exports for `require`, which Node 20.0–20.18
//   cannot do on ESM): lambda.cjs takes the error classes from index.cjs for the same reason, and
//   dist/cjs/*.d.cts are the .d.ts files with their relative imports pointed at the .cjs files.
// - dist/lambda/index.mjs (`./lambda-bundle`): src/authorizer/bundle-entry.ts, the env-configured Lambda entry, as
//   one minified ESM file that both deploy apps ship as is.
// - dist/web/index.js and dist/web/hono.js (the `.` and `./hono` exports under the workerd, edge-light, deno,
//   worker and browser conditions): the same entries for runtimes with only Web Crypto and `fetch`. A module
//   with a `.web.ts` twin (src/verify/bytes.ts, public-key.ts, fetch-capped.ts) is replaced by the twin; the
//   build fails if anything in it still imports a `node:` module. Types: the same .d.ts files.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const cjs = join(dist, 'cjs');

// JavaScript left over from earlier builds (tsc used to emit one .js per module) must not linger.
for (const name of readdirSync(dist)) {
  if (name.endsWith('.js') || name === 'chunks' || name === 'cjs') {
    rmSync(join(dist, name), { recursive: true, force: true });
  }
}

const ADAPTERS = ['express', 'fastify', 'hono', 'middy'];
/** Every subpath export beside `.` (and `./lambda-bundle`), each src/<name>.ts. */
const SUBPATHS = ['lambda', 'cognito', 'rules', 'policy', ...ADAPTERS, 'alb'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  format: 'esm',
  entryPoints: {
    index: join(root, 'src/index.ts'),
    // The framework adapters (`./express` …) and `./alb` among them are never reached from the Lambda bundle below.
    ...Object.fromEntries(SUBPATHS.map((a) => [a, join(root, `src/${a}.ts`)])),
  },
  outdir: dist,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// tracing.ts reads `import.meta.url` only where `__filename` is undefined (ESM): empty in CommonJS is fine.
const cjsCommon = { ...common, logOverride: { 'empty-import-meta': 'silent' } };

await build({
  ...cjsCommon,
  format: 'cjs',
  entryPoints: [join(root, 'src/index.ts')],
  outfile: join(cjs, 'index.cjs'),
});

/** In the subpaths' .cjs, an import of src/errors.ts becomes `require('./index.cjs')`: the same classes. */
const errorsFile = join(root, 'src/errors.ts');
const errorsFromIndex = {
  name: 'errors-from-index',
  setup(b) {
    b.onResolve({ filter: /errors\.js$/ }, (args) =>
      resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')) === errorsFile
        ? { path: './index.cjs', external: true }
        : undefined,
    );
  },
};
for (const entry of SUBPATHS) {
  await build({
    ...cjsCommon,
    format: 'cjs',
    entryPoints: [join(root, `src/${entry}.ts`)],
    outfile: join(cjs, `${entry}.cjs`),
    plugins: [errorsFromIndex],
  });
}

// tsc's own output, so the specifiers are known: `from './x.js'`, `from '../dir/x.js'` and `import('./x.js')`.
const RELATIVE_JS = /(from |import\()'(\.\.?\/[\w./-]+)\.js'/g;
/** The .d.ts files under `dir` (tsc mirrors src/'s folders), as paths relative to dist/. */
function declarations(dir) {
  return readdirSync(join(dist, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return dir === '' && (entry.name === 'cjs' || entry.name === 'chunks') ? [] : declarations(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
for (const name of declarations('')) {
  const text = readFileSync(join(dist, name), 'utf8').replace(RELATIVE_JS, "$1'$2.cjs'");
  const target = join(cjs, name.replace(/\.d\.ts$/, '.d.cts'));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
}

const outfile = join(dist, 'lambda/index.mjs');
await build({
  ...common,
  format: 'esm',
  entryPoints: [join(root, 'src/authorizer/bundle-entry.ts')],
  outfile,
  minify: true,
  target: 'node22',
  drop: ['debugger'],
});

/** An import of `./x.js` whose `x.web.ts` twin exists resolves to the twin. */
const webTwins = {
  name: 'web-twins',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const twin = resolve(args.resolveDir, args.path.replace(/\.js$/, '.web.ts'));
      return existsSync(twin) ? { path: twin } : undefined;
    });
  },
};
const web = await build({
  ...common,
  platform: 'neutral',
  target: 'es2022',
  format: 'esm',
  entryPoints: { index: join(root, 'src/index.ts'), hono: join(root, 'src/hono.ts') },
  outdir: join(dist, 'web'),
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [webTwins],
  metafile: true,
});
const nodeImports = Object.entries(web.metafile.inputs).flatMap(([file, input]) =>
  input.imports.filter((i) => i.path.startsWith('node:')).map((i) => `${file} imports ${i.path}`),
);
if (nodeImports.length > 0)
  throw new Error(`the web build must not import node: modules:\n${nodeImports.join('\n')}`);

const bytes = statSync(outfile).size;
const gzip = gzipSync(readFileSync(outfile)).length;
console.log(
  `dist/lambda/index.mjs: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB) minified ESM, ${gzip} bytes gzip`,
);

// dist/backend-bundle/index.mjs (`@cogauth/sample/backend-bundle`): the sample backend as one ESM file,
// the handlers `index.listMessages`, `index.postMessage`, `index.deleteMessage` and `index.me`. Both
// flavours deploy these bytes: the CDK app as the asset directory, the Serverless app copied into its dist/.
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(root, 'dist', 'backend-bundle', 'index.mjs');
await build({
  entryPoints: [join(root, 'src', 'backend.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const { size } = await stat(outfile);
console.log(`${relative(root, outfile)}  ${(size / 1024).toFixed(1)} KB`);

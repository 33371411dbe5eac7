import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);

/** The one file of the Lambda asset; the function's handler is `index.handler`. */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';

/**
 * The directory holding `@cogauth/core`'s prebuilt Lambda bundle (`@cogauth/core/lambda-bundle`). The
 * construct deploys it as it is, so no esbuild or Docker runs at synth time and every cogauth flavour
 * ships the same bytes. Refuses a directory that holds anything else: the asset must be exactly the bundle.
 */
export function bundleDir(): string {
  let file: string;
  try {
    file = require.resolve('@cogauth/core/lambda-bundle');
  } catch {
    throw new Error(
      '@cogauth/core/lambda-bundle (dist/lambda/index.mjs) is missing: reinstall @cogauth/core, or build it in the cogauth repository',
    );
  }
  const dir = dirname(file);
  const entries = readdirSync(dir);
  if (entries.length !== 1 || entries[0] !== BUNDLE_FILE) {
    throw new Error(`${dir} must hold only ${BUNDLE_FILE}, found: ${entries.join(', ')}`);
  }
  return dir;
}

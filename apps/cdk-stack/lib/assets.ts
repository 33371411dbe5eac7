import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The directory of the sample backend bundle (`@cogauth/sample/backend-bundle`: `index.mjs`, handlers
 * `index.listMessages`, `index.postMessage`, `index.deleteMessage`, `index.me`), the bytes the
 * Serverless app deploys too.
 */
export function backendBundleDir(): string {
  try {
    return dirname(createRequire(import.meta.url).resolve('@cogauth/sample/backend-bundle'));
  } catch {
    throw new Error('the sample backend bundle is missing: run `pnpm --filter @cogauth/sample build`');
  }
}

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

/**
 * The web build's module swap (scripts/bundle.mjs): an import of `./x.js` whose `x.web.ts` twin exists
 * gets the twin, so tests/web runs the shared verifier from src on Web Crypto and `fetch`.
 */
const webTwins: Plugin = {
  name: 'web-twins',
  enforce: 'pre',
  resolveId(source, importer) {
    if (importer === undefined || !/^\.\.?\/.*\.js$/.test(source)) return null;
    const twin = resolve(dirname(importer), source.replace(/\.js$/, '.web.ts'));
    return existsSync(twin) ? twin : null;
  },
};

// `pnpm test`: tests/unit (in-process, a JWKS server on 127.0.0.1 at most), tests/e2e (emulators such as
// cognito-local, and other JavaScript runtimes) and tests/web (the web build's platform, from src). The
// consumer tests have their own config (vitest.consumer.config.ts).
export default defineConfig({
  test: {
    // Property tests run hundreds of cases; under `turbo run test` every package shares two cores.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: { name: 'node', include: ['tests/unit/**/*.test.ts', 'tests/e2e/**/*.test.ts'] },
      },
      { extends: true, plugins: [webTwins], test: { name: 'web', include: ['tests/web/**/*.test.ts'] } },
    ],
  },
});

import { afterAll } from 'vitest';
import { ownTmpdir } from './own-tmpdir.js';

// A vitest setup file (`setupFiles: ['@cogauth/test-fixtures/own-tmpdir-setup']`): every temp folder a test
// file makes (CDK apps without outdir, CLI homes) goes when the file is done. `vitest` resolves to the one
// version the workspace pins, so this hook lands in the runner that loads the file.
afterAll(ownTmpdir('cogauth-test-'));

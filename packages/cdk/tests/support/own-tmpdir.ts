import { ownTmpdir } from '@cogauth/test-fixtures';
import { afterAll } from 'vitest';

// Every temp folder a test file makes (CDK apps without outdir, CLI homes) goes when the file is done.
afterAll(ownTmpdir('cogauth-test-'));

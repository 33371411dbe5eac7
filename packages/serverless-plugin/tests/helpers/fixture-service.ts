import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SLS_ENV } from '@cogauth/test-fixtures';

export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURE_DIR = join(PACKAGE_DIR, 'tests', 'fixtures', 'service');
/** osls, not `.bin/serverless` (which may be serverless v4, pulled in as serverless-offline's peer). */
export const OSLS_BIN = join(PACKAGE_DIR, 'node_modules', 'osls', 'bin', 'serverless.js');

export interface ServiceCopy {
  /** The temporary directory holding the service (and anything else the suite puts there). */
  root: string;
  serviceDir: string;
  remove(): void;
}

/**
 * The fixture service copied to a temp dir with a node_modules that links this package and
 * serverless-offline, as an installed service has: each suite stages its own `.serverless/`.
 */
export function copyFixtureService(prefix: string): ServiceCopy {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const serviceDir = join(root, 'service');
  cpSync(FIXTURE_DIR, serviceDir, {
    recursive: true,
    filter: (source) => !/[\\/]\.serverless(-offline)?$/.test(source),
  });
  const link = (name: string, target: string) => {
    const path = join(serviceDir, 'node_modules', name);
    mkdirSync(dirname(path), { recursive: true });
    symlinkSync(target, path, 'dir');
  };
  link('@cogauth/serverless-plugin', PACKAGE_DIR);
  link('serverless-offline', join(PACKAGE_DIR, 'node_modules', 'serverless-offline'));
  return { root, serviceDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The process environment without AWS credentials or the caller's COGAUTH_* / FIXTURE_* settings. */
export function cleanEnv(root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(AWS_(?!SDK_JS_)|COGAUTH_|FIXTURE_)/.test(key)) env[key] = value;
  env.AWS_SHARED_CREDENTIALS_FILE = join(root, 'no-credentials');
  env.AWS_CONFIG_FILE = join(root, 'no-config');
  return { ...env, ...SLS_ENV, ...extra };
}

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The file names inside the asset directories below that the stack points Lambda at. */
export const AUTHORIZER_BUNDLE_FILE = 'index.mjs';
export const BACKEND_BUNDLE_FILE = 'index.mjs';

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/**
 * The directory holding @cogauth/core's one Lambda bundle (`index.mjs`, handler `index.handler`).
 * The stack deploys this directory as it is, so the CDK and Serverless flavours ship the same bytes.
 */
export function authorizerBundleDir(): string {
  let file: string;
  try {
    file = require.resolve('@cogauth/core/lambda-bundle');
  } catch {
    throw new Error(
      '@cogauth/core/lambda-bundle (packages/core/dist/lambda/index.mjs) is missing: run `pnpm --filter @cogauth/core build`',
    );
  }
  return dirname(file);
}

/** The Serverless app's directory: its rules file and its built sample backend are shared with this stack. */
export function serverlessAppDir(): string {
  return packageDir('@cogauth/serverless-authorizer');
}

/**
 * The sample backend that the Serverless app bundles (`dist/backend/index.mjs`, handlers
 * `index.listMessages`, `index.postMessage`, `index.deleteMessage`, `index.me`).
 */
export function backendBundleDir(): string {
  const dir = join(serverlessAppDir(), 'dist', 'backend');
  if (!existsSync(join(dir, BACKEND_BUNDLE_FILE))) {
    throw new Error(
      `${join(dir, BACKEND_BUNDLE_FILE)} is missing: run \`pnpm --filter @cogauth/serverless-authorizer build\``,
    );
  }
  return dir;
}

/** The rule file both flavours deploy. */
export function sharedRulesPath(): string {
  return join(serverlessAppDir(), 'rules.json');
}

/** Reads a rule file as JSON; the stack validates it with `parseRules`. */
export function readRulesFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(
      `cannot read the rule file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new Error(`the rule file ${path} is not valid JSON (${(cause as Error).message})`);
  }
}

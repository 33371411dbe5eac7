import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RouteRule } from '@cogauth/cdk';

const require = createRequire(import.meta.url);

/** The file name inside the backend asset directory that the stack points Lambda at. */
export const BACKEND_BUNDLE_FILE = 'index.mjs';

function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
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

/** Reads a rule file as JSON; `CogauthAuthorizer` checks the rules at synth time. */
export function readRulesFile(path: string): readonly RouteRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new Error(
      `cannot read the rule file ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return JSON.parse(text) as RouteRule[];
  } catch (cause) {
    throw new Error(`the rule file ${path} is not valid JSON (${(cause as Error).message})`);
  }
}

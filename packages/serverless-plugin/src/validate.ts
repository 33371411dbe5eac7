import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type ConfigPath, type Jwks } from '@cogauth/core';
import { readEnvironment } from '@cogauth/core/lambda';
import { type CedarSetup, engineOf, isConfigError } from './cedar.js';
import type { CogauthSettings } from './config.js';
import { environmentOf, type Reference } from './environment.js';
import type { ZipFile } from './zip.js';

// Stand-ins for CloudFormation references, which have no value until deploy: well-formed, so core
// checks everything around them.
const POOL_PLACEHOLDER = 'us-east-1_CfnReference';
const CLIENT_PLACEHOLDER = 'cfn-reference';

/**
 * Each variable the plugin sets, with the `custom.cogauth` setting it comes from (`rules` and `jwks` stand
 * for whichever of rules/rulesFile and jwksFile/fetchJwks the user set).
 */
const SETTING_OF: Readonly<Record<string, string | ConfigPath>> = {
  COGAUTH_POOLS: 'pools',
  COGAUTH_POOL_ALLOWLIST: 'allowPools',
  COGAUTH_MAX_POOLS: 'maxPools',
  COGAUTH_MAX_POOL_FETCHES: 'maxPoolFetches',
  COGAUTH_USER_POOL_ID: 'userPoolId',
  COGAUTH_CLIENT_IDS: 'clientIds',
  COGAUTH_TOKEN_USE: 'tokenUse',
  COGAUTH_ISSUER: 'issuer',
  COGAUTH_JWKS_URI: 'jwksUri',
  COGAUTH_ALLOW_INSECURE_HTTP: 'allowInsecureHttp',
  COGAUTH_GRACE_SECONDS: 'graceSeconds',
  COGAUTH_JWKS: 'jwks',
  COGAUTH_JWKS_FILE: 'jwks',
  COGAUTH_RULES: 'rules',
  COGAUTH_RULES_FILE: 'rules',
  COGAUTH_HTTP_API_RESPONSE: 'httpApiResponse',
  COGAUTH_HTTP_API_CACHE: 'httpApiCache',
  COGAUTH_REST_API_CACHE: 'resultTtlSeconds',
  COGAUTH_CEDAR_POLICIES: 'cedar',
  COGAUTH_CEDAR_POLICIES_FILE: 'cedar',
  COGAUTH_CEDAR_SCHEMA: 'cedar',
  COGAUTH_CEDAR_SCHEMA_FILE: 'cedar',
  COGAUTH_CEDAR_NAMESPACE: 'cedar',
  COGAUTH_ANSWER_MODE: 'answerMode',
  COGAUTH_METRICS: 'monitoring',
  COGAUTH_METRICS_NAMESPACE: ['monitoring', 'namespace'],
  COGAUTH_METRICS_ROUTE_DIMENSION: ['monitoring', 'routeDimension'],
  COGAUTH_LOG_LEVEL: 'logLevel',
  COGAUTH_LOG_ALLOWED_SAMPLE_RATE: 'logAllowedSampleRate',
};

/** The setting the user wrote, then core's path inside the variable (`['custom', 'cogauth', 'rules', 2]`). */
function placeOf(setting: string | ConfigPath, inner: ConfigPath, settings: CogauthSettings): ConfigPath {
  if (typeof setting !== 'string') return ['custom', 'cogauth', ...setting, ...inner];
  if (setting === 'rules' && settings.rulesSource.kind === 'file') {
    const file = `rulesFile (${settings.rulesSource.display})`;
    return inner.length === 0
      ? ['custom', 'cogauth', file]
      : ['custom', 'cogauth', `${file} rules`, ...inner];
  }
  const name = setting === 'jwks' ? (settings.jwksFile ? 'jwksFile' : 'fetchJwks') : setting;
  return ['custom', 'cogauth', name, ...inner];
}

/** Core's `['COGAUTH_RULES', 2, 'route']` → `custom.cogauth.rules[2].route`, with the same detail. */
function renamed(err: ConfigError, settings: CogauthSettings): ConfigError {
  const setting = SETTING_OF[err.field];
  if (setting === undefined) return new ConfigError(['custom', 'cogauth'], err.message);
  return new ConfigError(placeOf(setting, err.path.slice(1), settings), err.detail);
}

/**
 * Reads, with @cogauth/core's own `readEnvironment`, exactly the environment the function gets
 * (CloudFormation references replaced by placeholders), with the zip's files in a task root as Lambda has
 * them. Throws a ConfigError naming the `custom.cogauth…` setting.
 */
export function validateWithCore(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
  packaged: boolean,
  files: readonly ZipFile[],
  cedar?: CedarSetup,
): void {
  // With every reference a placeholder string, every value is a string.
  const placeholder: Reference = (_value, kind) => (kind === 'pool' ? POOL_PLACEHOLDER : CLIENT_PLACEHOLDER);
  const env = environmentOf(settings, jwks, packaged, placeholder, cedar) as Record<string, string>;
  const taskRoot = mkdtempSync(join(tmpdir(), 'cogauth-validate-'));
  try {
    for (const file of files)
      if (file.name !== 'index.mjs') writeFileSync(join(taskRoot, file.name), file.data);
    // Only the function's variables: whatever COGAUTH_* the packaging shell has must not hide a problem.
    // With Cedar, the engine the function would load from exactly these files and variables.
    const access = cedar === undefined ? undefined : engineOf(cedar, env, taskRoot);
    readEnvironment({ ...env, LAMBDA_TASK_ROOT: taskRoot }, access);
  } catch (err) {
    if (isConfigError(err)) throw renamed(err, settings);
    throw err;
  } finally {
    rmSync(taskRoot, { recursive: true, force: true });
  }
}

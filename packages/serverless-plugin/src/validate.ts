import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, type Jwks } from '@cogauth/core';
import { envErrorDetail, handlerFromEnv } from '@cogauth/core/lambda';
import type { CogauthSettings } from './config.js';
import { environmentOf } from './environment.js';
import type { ZipFile } from './zip.js';

// Stand-ins for CloudFormation references, which have no value until deploy: well-formed, so core
// checks everything around them.
const POOL_PLACEHOLDER = 'us-east-1_CfnReference';
const CLIENT_PLACEHOLDER = 'cfn-reference';

/**
 * Each variable the plugin sets: the `custom.cogauth` setting it comes from (`rules` and `jwks` stand for
 * whichever of rules/rulesFile and jwksFile/fetchJwks the user set) and the name core's option has inside
 * the error (`COGAUTH_RULES: rules[2].route: …`).
 */
const SETTING_OF: Readonly<Record<string, { setting: string; option?: string }>> = {
  COGAUTH_POOLS: { setting: 'pools', option: 'options' },
  COGAUTH_USER_POOL_ID: { setting: 'userPoolId', option: 'userPoolId' },
  COGAUTH_CLIENT_IDS: { setting: 'clientIds', option: 'clientId' },
  COGAUTH_TOKEN_USE: { setting: 'tokenUse', option: 'tokenUse' },
  COGAUTH_ISSUER: { setting: 'issuer', option: 'issuer' },
  COGAUTH_JWKS_URI: { setting: 'jwksUri', option: 'jwksUri' },
  COGAUTH_ALLOW_INSECURE_HTTP: { setting: 'allowInsecureHttp' },
  COGAUTH_GRACE_SECONDS: { setting: 'graceSeconds', option: 'graceSeconds' },
  COGAUTH_JWKS: { setting: 'jwks', option: 'jwks' },
  COGAUTH_JWKS_FILE: { setting: 'jwks', option: 'jwks' },
  COGAUTH_RULES: { setting: 'rules', option: 'rules' },
  COGAUTH_RULES_FILE: { setting: 'rules', option: 'rules' },
  COGAUTH_HTTP_API_RESPONSE: { setting: 'httpApiResponse' },
  COGAUTH_HTTP_API_CACHE: { setting: 'httpApiCache' },
  COGAUTH_METRICS: { setting: 'monitoring' },
  COGAUTH_METRICS_NAMESPACE: { setting: 'monitoring.namespace' },
  COGAUTH_METRICS_ROUTE_DIMENSION: { setting: 'monitoring.routeDimension' },
  COGAUTH_LOG_LEVEL: { setting: 'logLevel' },
  COGAUTH_LOG_ALLOWED_SAMPLE_RATE: { setting: 'logAllowedSampleRate' },
};

/** The setting the user wrote, with core's path inside it. */
function fieldOf(setting: string, path: string, settings: CogauthSettings): string {
  if (setting === 'rules' && settings.rulesSource.kind === 'file') {
    const file = `custom.cogauth.rulesFile (${settings.rulesSource.display})`;
    return path === '' ? file : `${file} rules${path}`;
  }
  const name = setting === 'jwks' ? (settings.jwksFile ? 'jwksFile' : 'fetchJwks') : setting;
  return `custom.cogauth.${name}${path}`;
}

/** `COGAUTH_RULES: rules[2].route: invalid …` → `custom.cogauth.rules[2].route: invalid …`. */
function renamed(err: ConfigError, settings: CogauthSettings): ConfigError {
  const entry = SETTING_OF[err.field];
  if (entry === undefined) return new ConfigError('custom.cogauth', err.message);
  const { path, detail } = envErrorDetail(err, entry.option);
  return new ConfigError(fieldOf(entry.setting, path, settings), detail);
}

/**
 * Builds the authorizer with @cogauth/core's own `handlerFromEnv` from exactly the environment the function
 * gets (CloudFormation references replaced by placeholders), reading the zip's files from a task root as
 * Lambda does. Throws a ConfigError naming the `custom.cogauth…` setting.
 */
export function validateWithCore(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
  packaged: boolean,
  files: readonly ZipFile[],
): void {
  // With every reference a placeholder string, every value is a string.
  const env = environmentOf(settings, jwks, packaged, (_value, kind) =>
    kind === 'pool' ? POOL_PLACEHOLDER : CLIENT_PLACEHOLDER,
  ) as Record<string, string>;
  const taskRoot = mkdtempSync(join(tmpdir(), 'cogauth-validate-'));
  try {
    for (const file of files)
      if (file.name !== 'index.mjs') writeFileSync(join(taskRoot, file.name), file.data);
    // Only the function's variables: whatever COGAUTH_* the packaging shell has must not hide a problem.
    handlerFromEnv({ ...env, LAMBDA_TASK_ROOT: taskRoot });
  } catch (err) {
    if (err instanceof ConfigError) throw renamed(err, settings);
    throw err;
  } finally {
    rmSync(taskRoot, { recursive: true, force: true });
  }
}

import type { Jwks } from '@cogauth/core';
import { type CfnValue, type CogauthSettings, isCfnValue } from './config.js';
import { observabilityEnvironment } from './observability-env.js';

export type EnvValue = string | CfnValue;

/** File names inside the authorizer zip (next to index.mjs, the Lambda task root). */
export const RULES_FILE = 'rules.json';
export const JWKS_FILE = 'jwks.json';

/** What a CloudFormation reference becomes: itself in the template, a placeholder when validating. */
export type Reference = (value: CfnValue, kind: 'pool' | 'client') => EnvValue;
const keep: Reference = (value) => value;

function clientIdsValue(ids: (string | CfnValue)[], reference: Reference): EnvValue {
  const values = ids.map((id) => (isCfnValue(id) ? reference(id, 'client') : id));
  if (values.every((id): id is string => typeof id === 'string')) return values.join(',');
  if (values.length === 1 && isCfnValue(values[0])) return values[0];
  return { 'Fn::Join': [',', values] };
}

/**
 * The COGAUTH_* environment core's Lambda entry reads. `packaged`: rules and JWKS are files in the zip;
 * otherwise (serverless offline, which runs the zip from a temporary directory) they are inline JSON.
 */
export function environmentOf(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
  packaged: boolean,
  reference: Reference = keep,
): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  if (settings.pools) {
    env.COGAUTH_POOLS = JSON.stringify(settings.pools);
  } else {
    const pool = settings.userPoolId as string | CfnValue;
    env.COGAUTH_USER_POOL_ID = isCfnValue(pool) ? reference(pool, 'pool') : pool;
    env.COGAUTH_CLIENT_IDS = clientIdsValue(settings.clientIds ?? [], reference);
    env.COGAUTH_TOKEN_USE = settings.tokenUse;
    if (settings.issuer) env.COGAUTH_ISSUER = settings.issuer.join(',');
    if (settings.jwksUri !== undefined) env.COGAUTH_JWKS_URI = settings.jwksUri;
    if (settings.allowInsecureHttp) env.COGAUTH_ALLOW_INSECURE_HTTP = 'true';
    if (settings.graceSeconds !== undefined) env.COGAUTH_GRACE_SECONDS = String(settings.graceSeconds);
    if (jwks !== undefined) {
      if (packaged) env.COGAUTH_JWKS_FILE = JWKS_FILE;
      else env.COGAUTH_JWKS = JSON.stringify(jwks);
    }
  }
  if (packaged) env.COGAUTH_RULES_FILE = RULES_FILE;
  else env.COGAUTH_RULES = JSON.stringify(settings.rules);
  env.COGAUTH_HTTP_API_RESPONSE = settings.httpApiResponse;
  if (settings.httpApiCache === 'off') env.COGAUTH_HTTP_API_CACHE = 'off';
  return { ...env, ...observabilityEnvironment(settings.observability) };
}

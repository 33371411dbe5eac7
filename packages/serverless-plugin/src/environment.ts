import type { Jwks } from '@cogauth/core';
import { type CfnValue, type CogauthSettings, isCfnValue } from './config.js';

export type EnvValue = string | CfnValue;

/** File names inside the authorizer zip (next to index.mjs, the Lambda task root). */
export const RULES_FILE = 'rules.json';
export const JWKS_FILE = 'jwks.json';

function clientIdsValue(ids: (string | CfnValue)[]): EnvValue {
  if (ids.every((id): id is string => typeof id === 'string')) return ids.join(',');
  if (ids.length === 1 && isCfnValue(ids[0])) return ids[0];
  return { 'Fn::Join': [',', ids] };
}

/**
 * The COGAUTH_* environment core's Lambda entry reads. `packaged`: rules and JWKS are files in the zip;
 * otherwise (serverless offline, which runs the zip from a temporary directory) they are inline JSON.
 */
export function environmentOf(
  settings: CogauthSettings,
  rules: unknown,
  jwks: Jwks | undefined,
  packaged: boolean,
): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = {};
  if (settings.pools) {
    env.COGAUTH_POOLS = JSON.stringify(settings.pools);
  } else {
    env.COGAUTH_USER_POOL_ID = settings.userPoolId as EnvValue;
    env.COGAUTH_CLIENT_IDS = clientIdsValue(settings.clientIds ?? []);
    env.COGAUTH_TOKEN_USE = settings.tokenUse;
    if (settings.issuer) env.COGAUTH_ISSUER = settings.issuer.join(',');
    if (settings.jwksUri !== undefined) env.COGAUTH_JWKS_URI = settings.jwksUri;
    if (settings.graceSeconds !== undefined) env.COGAUTH_GRACE_SECONDS = String(settings.graceSeconds);
    if (jwks !== undefined) {
      if (packaged) env.COGAUTH_JWKS_FILE = JWKS_FILE;
      else env.COGAUTH_JWKS = JSON.stringify(jwks);
    }
  }
  if (packaged) env.COGAUTH_RULES_FILE = RULES_FILE;
  else env.COGAUTH_RULES = JSON.stringify(rules);
  env.COGAUTH_HTTP_API_RESPONSE = settings.httpApiResponse;
  if (settings.httpApiCache === 'off') env.COGAUTH_HTTP_API_CACHE = 'off';
  return env;
}

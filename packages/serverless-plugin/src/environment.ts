import type { CognitoVerifierOptions, Jwks, RouteRule } from '@cogauth/core';
import { writeEnvironment } from '@cogauth/core/lambda';
import { type CfnValue, type CogauthSettings, isCfnValue } from './config.js';

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
 * The COGAUTH_* environment core's Lambda entry reads, written by core's `writeEnvironment`. `packaged`:
 * rules and JWKS are files in the zip; otherwise (serverless offline, which runs the zip from a temporary
 * directory) they are inline JSON. CloudFormation references stand in as `reference` renders them.
 */
export function environmentOf(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
  packaged: boolean,
  reference: Reference = keep,
): Record<string, EnvValue> {
  const env: Record<string, EnvValue> = writeEnvironment({
    verifier: settings.pools ? (settings.pools as CognitoVerifierOptions[]) : singlePool(settings, jwks),
    rules: packaged ? { file: RULES_FILE } : (settings.rules as RouteRule[]),
    ...(packaged && jwks !== undefined && !settings.pools ? { jwksFile: JWKS_FILE } : {}),
    httpApiResponse: settings.httpApiResponse,
    httpApiCache: settings.httpApiCache,
    answerMode: settings.answerMode,
    ...settings.observability,
  });
  // The references, which writeEnvironment saw as stand-ins, go in as themselves (or as `reference` says).
  const pool = settings.userPoolId;
  if (!settings.pools && isCfnValue(pool)) env.COGAUTH_USER_POOL_ID = reference(pool, 'pool');
  const clients = settings.clientIds ?? [];
  if (!settings.pools && clients.some(isCfnValue))
    env.COGAUTH_CLIENT_IDS = clientIdsValue(clients, reference);
  return env;
}

/** The single pool's options; a CloudFormation reference is a stand-in here, replaced by environmentOf. */
function singlePool(settings: CogauthSettings, jwks: Jwks | undefined): CognitoVerifierOptions {
  const stand = (value: string | CfnValue): string => (isCfnValue(value) ? 'cfn-reference' : value);
  const options: CognitoVerifierOptions = {
    userPoolId: stand(settings.userPoolId as string | CfnValue),
    clientId: (settings.clientIds ?? []).map(stand),
    tokenUse: settings.tokenUse === 'any' ? null : settings.tokenUse,
  };
  if (settings.issuer) options.issuer = settings.issuer;
  if (settings.jwksUri !== undefined) options.jwksUri = settings.jwksUri;
  if (settings.allowInsecureHttp) options.allowInsecureHttp = true;
  if (settings.graceSeconds !== undefined) options.graceSeconds = settings.graceSeconds;
  if (jwks !== undefined) options.jwks = jwks;
  return options;
}

import type { CognitoVerifierOptions, Jwks, PoolAllowEntry, RouteRule } from '@cogauth/core';
import { type EnvironmentSettings, writeEnvironment } from '@cogauth/core/lambda';
import type { CedarSetup } from './cedar.js';
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
  cedar?: CedarSetup,
): Record<string, EnvValue> {
  // With Cedar, a TTL of 0 is stated to the authorizer: it may then answer per-request routes.
  const cacheOff = cedar !== undefined && settings.resultTtlSeconds === 0;
  const rules = packaged ? { file: RULES_FILE } : (settings.rules as RouteRule[]);
  const env: Record<string, EnvValue> = writeEnvironment({
    ...verifierOf(settings, jwks),
    ...(cedar === undefined ? { rules } : {}),
    ...(packaged && jwks !== undefined && !settings.pools ? { jwksFile: JWKS_FILE } : {}),
    httpApiResponse: settings.httpApiResponse,
    httpApiCache: cacheOff ? 'off' : settings.httpApiCache,
    ...(cacheOff ? { restApiCache: 'off' as const } : {}),
    answerMode: settings.answerMode,
    ...settings.observability,
  });
  if (cedar !== undefined) Object.assign(env, cedar.environment(packaged));
  // The references, which writeEnvironment saw as stand-ins, go in as themselves (or as `reference` says).
  const pool = settings.userPoolId;
  const listed = !settings.pools && !settings.allowPools;
  if (listed && isCfnValue(pool)) env.COGAUTH_USER_POOL_ID = reference(pool, 'pool');
  const clients = settings.clientIds ?? [];
  if (listed && clients.some(isCfnValue)) env.COGAUTH_CLIENT_IDS = clientIdsValue(clients, reference);
  return env;
}

/** The allow-list with its limits, the pools, or the single pool's options. */
function verifierOf(
  settings: CogauthSettings,
  jwks: Jwks | undefined,
): Pick<EnvironmentSettings, 'verifier' | 'verifierSettings'> {
  if (settings.allowPools) {
    const limits = {
      ...(settings.maxPools === undefined ? {} : { maxPools: settings.maxPools }),
      ...(settings.maxPoolFetches === undefined ? {} : { maxPoolFetches: settings.maxPoolFetches }),
    };
    return { verifier: { allowPools: settings.allowPools as PoolAllowEntry[] }, verifierSettings: limits };
  }
  if (settings.pools) return { verifier: settings.pools as CognitoVerifierOptions[] };
  return { verifier: singlePool(settings, jwks) };
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

import type { AppSyncSupport } from '../answer/appsync.js';
import { issuersOf, parseUserPoolId } from '../cognito/facts.js';
import { compileParsedRules } from '../decide/rules.js';
import { ConfigError } from '../errors.js';
import type { CognitoVerifier, CognitoVerifierOptions, VerifierSettings } from '../types.js';
import { isRecord } from '../util/guards.js';
import type { KeyEntry } from '../verify/jwk.js';
import { NO_REGION, POOL_ID_SHAPE, preloadedKeys } from '../verify/pool-options.js';
import { readAllowList } from '../verify/pool-resolver.js';
import { trustedUrl } from '../verify/trusted-url.js';
import { defaultVerifier, resolvingVerifier } from '../verify/verifier.js';
import { type AuthorizerHandler, authorizerOf } from './authorizer.js';
import { type Env, integer, json, jsonOrFile, list, oneOf, text } from './env-vars.js';

// Each COGAUTH_* variable is parsed and checked where it is read, so every error names it.

const TOKEN_USES = { access: 'access', id: 'id', any: null } as const;
const MAX_GRACE_SECONDS = 300;
const GRACE_RULE = `must be an integer from 0 to ${MAX_GRACE_SECONDS}`;
const MAX_JWKS_AGE_SECONDS = 86_400;

/** COGAUTH_USER_POOL_ID, COGAUTH_CLIENT_IDS and the variables that refine that one pool. */
function singlePool(
  env: Env,
  settings: VerifierSettings,
): { options: CognitoVerifierOptions; keys: Map<string, KeyEntry> | undefined } {
  const poolId = text(env, 'COGAUTH_USER_POOL_ID');
  if (poolId === undefined)
    throw new ConfigError(
      'COGAUTH_USER_POOL_ID',
      'is required (or set COGAUTH_POOLS or COGAUTH_POOL_ALLOWLIST)',
    );
  const userPoolId = parseUserPoolId(poolId)?.userPoolId;
  if (userPoolId === undefined) throw new ConfigError('COGAUTH_USER_POOL_ID', POOL_ID_SHAPE);

  const clientIds = text(env, 'COGAUTH_CLIENT_IDS');
  if (clientIds === undefined)
    throw new ConfigError('COGAUTH_CLIENT_IDS', 'is required (a comma list, or * to skip)');
  const ids = list(clientIds);
  if (ids.length === 0) throw new ConfigError('COGAUTH_CLIENT_IDS', 'lists no client id');
  const anyClient = ids.length === 1 && ids[0] === '*';
  if (!anyClient && ids.includes('*'))
    throw new ConfigError('COGAUTH_CLIENT_IDS', '* cannot be combined with client ids');

  const tokenUse = oneOf(env, 'COGAUTH_TOKEN_USE', ['access', 'id', 'any']);
  const options: CognitoVerifierOptions = {
    userPoolId,
    clientId: anyClient ? null : ids,
    tokenUse: TOKEN_USES[tokenUse],
  };
  const insecure = allowInsecureHttp(env);
  if (insecure) options.allowInsecureHttp = true;

  const issuer = text(env, 'COGAUTH_ISSUER');
  if (issuer !== undefined) {
    const issuers = list(issuer).map((url) => trustedUrl(url, ['COGAUTH_ISSUER'], insecure));
    if (issuers.length === 0) throw new ConfigError('COGAUTH_ISSUER', 'lists no issuer');
    if (new Set(issuers).size < issuers.length)
      throw new ConfigError('COGAUTH_ISSUER', 'lists an issuer twice');
    options.issuer = issuers.length === 1 ? (issuers[0] as string) : issuers;
  } else if (issuersOf(userPoolId).length === 0) {
    throw new ConfigError('COGAUTH_USER_POOL_ID', `${NO_REGION} COGAUTH_ISSUER and COGAUTH_JWKS_URI`);
  }
  const jwksUri = text(env, 'COGAUTH_JWKS_URI');
  if (jwksUri !== undefined) options.jwksUri = trustedUrl(jwksUri, ['COGAUTH_JWKS_URI'], insecure);

  const jwks = jsonOrFile(env, 'COGAUTH_JWKS', 'COGAUTH_JWKS_FILE');
  if (jwks === undefined && settings.jwksOffline) {
    throw new ConfigError(
      'COGAUTH_JWKS',
      'is required offline (COGAUTH_JWKS_OFFLINE=true): give the keys here or in COGAUTH_JWKS_FILE',
    );
  }
  const grace = integer(env, 'COGAUTH_GRACE_SECONDS', 0, MAX_GRACE_SECONDS);
  if (grace !== undefined) options.graceSeconds = grace;
  // The keys are imported once, here, and handed to the verifier as they are.
  const keys = jwks && preloadedKeys(jwks.value, [jwks.name]);
  return { options, keys };
}

/** COGAUTH_ALLOW_INSECURE_HTTP: `true` accepts plain http:// issuer and JWKS URLs on any host. */
function allowInsecureHttp(env: Env): boolean {
  return oneOf(env, 'COGAUTH_ALLOW_INSECURE_HTTP', ['false', 'true']) === 'true';
}

/** COGAUTH_POOLS: verifier options for several pools, checked by the verifier under that name. */
function manyPools(env: Env, value: string): unknown[] {
  // One switch for every pool would be wider than needed: each pool that needs it says so.
  if (allowInsecureHttp(env))
    throw new ConfigError(
      'COGAUTH_ALLOW_INSECURE_HTTP',
      'cannot be combined with COGAUTH_POOLS: set "allowInsecureHttp": true in each pool that needs it',
    );
  const pools = json('COGAUTH_POOLS', value);
  if (!Array.isArray(pools) || pools.length === 0)
    throw new ConfigError('COGAUTH_POOLS', 'must be a non-empty JSON array of verifier options');
  // The Lambda entry caps the clock tolerance as it does COGAUTH_GRACE_SECONDS: one rule.
  pools.forEach((pool: unknown, i) => {
    if (isRecord(pool) && pool.graceSeconds !== undefined && !isGraceSeconds(pool.graceSeconds))
      throw new ConfigError(['COGAUTH_POOLS', i, 'graceSeconds'], GRACE_RULE);
  });
  return pools;
}

/** The variables that name pools; COGAUTH_POOL_ALLOWLIST takes the place of all of them. */
const LISTED_POOL_VARIABLES = [
  'COGAUTH_POOLS',
  'COGAUTH_USER_POOL_ID',
  'COGAUTH_CLIENT_IDS',
  'COGAUTH_ISSUER',
  'COGAUTH_JWKS_URI',
  'COGAUTH_JWKS',
  'COGAUTH_JWKS_FILE',
];
const MAX_POOLS_LIMIT = 10_000;

/**
 * COGAUTH_POOL_ALLOWLIST: pools chosen at run time (a JSON array of `allowPools` entries), checked by the
 * verifier under that name, with COGAUTH_MAX_POOLS and COGAUTH_MAX_POOL_FETCHES.
 */
function poolAllowList(env: Env, value: string, settings: VerifierSettings): CognitoVerifier {
  for (const name of [...LISTED_POOL_VARIABLES, 'COGAUTH_ALLOW_INSECURE_HTTP'])
    if (text(env, name) !== undefined)
      throw new ConfigError(
        name,
        'cannot be combined with COGAUTH_POOL_ALLOWLIST (set it in an allow-list entry)',
      );
  const entries = json('COGAUTH_POOL_ALLOWLIST', value);
  if (Array.isArray(entries)) {
    entries.forEach((entry: unknown, i) => {
      if (isRecord(entry) && entry.graceSeconds !== undefined && !isGraceSeconds(entry.graceSeconds))
        throw new ConfigError(['COGAUTH_POOL_ALLOWLIST', i, 'graceSeconds'], GRACE_RULE);
    });
  }
  const source = readAllowList(entries, ['COGAUTH_POOL_ALLOWLIST']);
  const maxPools = integer(env, 'COGAUTH_MAX_POOLS', 1, MAX_POOLS_LIMIT);
  if (maxPools !== undefined) settings.maxPools = maxPools;
  const maxPoolFetches = integer(env, 'COGAUTH_MAX_POOL_FETCHES', 1, MAX_POOLS_LIMIT);
  if (maxPoolFetches !== undefined) settings.maxPoolFetches = maxPoolFetches;
  return resolvingVerifier(source, settings);
}

/** COGAUTH_MAX_POOLS and COGAUTH_MAX_POOL_FETCHES belong to COGAUTH_POOL_ALLOWLIST. */
function refuseOrphanPoolSettings(env: Env): void {
  for (const name of ['COGAUTH_MAX_POOLS', 'COGAUTH_MAX_POOL_FETCHES'])
    if (text(env, name) !== undefined)
      throw new ConfigError(name, 'applies only with COGAUTH_POOL_ALLOWLIST');
}

function isGraceSeconds(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_GRACE_SECONDS;
}

/** JWKS lifecycle settings, for every pool: COGAUTH_JWKS_MAX_AGE_SECONDS and COGAUTH_JWKS_OFFLINE. */
function jwksSettings(env: Env): VerifierSettings {
  const settings: VerifierSettings = {};
  const maxAge = integer(env, 'COGAUTH_JWKS_MAX_AGE_SECONDS', 1, MAX_JWKS_AGE_SECONDS);
  if (maxAge !== undefined) settings.jwksMaxAgeMs = maxAge * 1000;
  if (text(env, 'COGAUTH_JWKS_OFFLINE') !== undefined)
    settings.jwksOffline = oneOf(env, 'COGAUTH_JWKS_OFFLINE', ['false', 'true']) === 'true';
  return settings;
}

/**
 * Builds the authorizer from environment variables (see "The Lambda entry" in README.md). Throws a ConfigError
 * whose `field` is the bad variable. AppSync events are answered only with `appSync` (see authorizerOf).
 */
export function handlerFromEnv(
  env: Env = process.env,
  appSync?: { support: AppSyncSupport; ttlSeconds?: number },
): AuthorizerHandler {
  const settings = jwksSettings(env);
  const allowList = text(env, 'COGAUTH_POOL_ALLOWLIST');
  if (allowList === undefined) refuseOrphanPoolSettings(env);
  const poolsJson = text(env, 'COGAUTH_POOLS');
  const pools =
    allowList !== undefined
      ? poolAllowList(env, allowList, settings)
      : poolsJson === undefined
        ? singlePool(env, settings)
        : manyPools(env, poolsJson);

  const rules = jsonOrFile(env, 'COGAUTH_RULES', 'COGAUTH_RULES_FILE');
  if (rules === undefined) throw new ConfigError('COGAUTH_RULES', 'is required (or set COGAUTH_RULES_FILE)');
  const compiled = compileParsedRules(rules.value, [rules.name]);

  const httpApiResponse = oneOf(env, 'COGAUTH_HTTP_API_RESPONSE', ['iam', 'simple']);
  const httpApiCache = oneOf(env, 'COGAUTH_HTTP_API_CACHE', ['on', 'off']);
  // The single pool's variables are all checked above; COGAUTH_POOLS entries are checked by the verifier.
  const verifier = Array.isArray(pools)
    ? defaultVerifier(pools, settings, ['COGAUTH_POOLS'])
    : 'verify' in pools
      ? pools
      : defaultVerifier(pools.options, settings, ['options'], pools.keys);
  const answers = { httpApiResponse, httpApiCache, appSyncTtlSeconds: appSync?.ttlSeconds };
  return authorizerOf(verifier, compiled, answers, undefined, undefined, appSync?.support);
}

/**
 * The COGAUTH_* contract, in both directions: `readEnvironment` turns a Lambda's environment into the options
 * `createAuthorizer` takes (every variable checked where it is read, so an error names it), and
 * `writeEnvironment` turns settings into the variables, for the CDK construct and the Serverless plugin,
 * which check what they wrote by reading it back.
 */
import { type AnswerMode, checkAnswerSize } from '../answer/size-check.js';
import { issuersOf, parseUserPoolId } from '../cognito/facts.js';
import { RouteAccess } from '../decide/route-access.js';
import { type CompiledRule, compileParsedRules, type RouteRule, writtenRules } from '../decide/rules.js';
import { ConfigError } from '../errors.js';
import {
  observabilityOf,
  readObservabilityVariables,
  writeObservability,
} from '../observability/environment-part.js';
import type { LogLevel } from '../observability/log-policy.js';
import type { MetricsOptions } from '../observability/metrics-options.js';
import type { TracingMode } from '../observability/tracing.js';
import {
  type Answers,
  type CogauthOptions,
  DEFAULT_APPSYNC_TTL_SECONDS,
  type HttpApiCache,
  type HttpApiResponse,
  MAX_APPSYNC_TTL_SECONDS,
  type Setup,
  setupOf,
} from '../pipeline/options.js';
import type {
  CognitoVerifier,
  CognitoVerifierOptions,
  Jwks,
  PoolAllowEntry,
  PoolResolverOptions,
  VerifierSettings,
} from '../types.js';
import { isRecord } from '../util/guards.js';
import type { KeyEntry } from '../verify/jwk.js';
import { NO_REGION, POOL_ID_SHAPE, preloadedKeys } from '../verify/pool-options.js';
import { readAllowList } from '../verify/pool-resolver.js';
import { trustedUrl } from '../verify/trusted-url.js';
import { defaultVerifier, resolvingVerifier } from '../verify/verifier.js';
import { type Env, integer, json, jsonOrFile, list, oneOf, text } from './env-vars.js';

export type { Env as LambdaEnv } from './env-vars.js';

const TOKEN_USES = { access: 'access', id: 'id', any: null } as const;
const MAX_GRACE_SECONDS = 300;
const GRACE_RULE = `must be an integer from 0 to ${MAX_GRACE_SECONDS}`;
const MAX_JWKS_AGE_SECONDS = 86_400;

/** COGAUTH_USER_POOL_ID: a pool id, of an AWS region unless COGAUTH_ISSUER says where its tokens come from. */
function userPoolIdOf(env: Env): string {
  const poolId = text(env, 'COGAUTH_USER_POOL_ID');
  if (poolId === undefined)
    throw new ConfigError(
      'COGAUTH_USER_POOL_ID',
      'is required (or set COGAUTH_POOLS or COGAUTH_POOL_ALLOWLIST)',
    );
  const userPoolId = parseUserPoolId(poolId)?.userPoolId;
  if (userPoolId === undefined) throw new ConfigError('COGAUTH_USER_POOL_ID', POOL_ID_SHAPE);
  return userPoolId;
}

/** COGAUTH_CLIENT_IDS: a comma list of client ids (trimmed), or `*` alone to skip the check (null). */
function clientIdsOf(env: Env): string[] | null {
  const clientIds = text(env, 'COGAUTH_CLIENT_IDS');
  if (clientIds === undefined)
    throw new ConfigError('COGAUTH_CLIENT_IDS', 'is required (a comma list, or * to skip)');
  const ids = list(clientIds);
  if (ids.length === 0) throw new ConfigError('COGAUTH_CLIENT_IDS', 'lists no client id');
  const anyClient = ids.length === 1 && ids[0] === '*';
  if (!anyClient && ids.includes('*'))
    throw new ConfigError('COGAUTH_CLIENT_IDS', '* cannot be combined with client ids');
  return anyClient ? null : ids;
}

/** COGAUTH_ISSUER: trusted URLs, each once; without it, the pool id must give the Cognito issuers. */
function issuerOf(env: Env, userPoolId: string, insecure: boolean): string | string[] | undefined {
  const issuer = text(env, 'COGAUTH_ISSUER');
  if (issuer === undefined) {
    if (issuersOf(userPoolId).length === 0)
      throw new ConfigError('COGAUTH_USER_POOL_ID', `${NO_REGION} COGAUTH_ISSUER and COGAUTH_JWKS_URI`);
    return undefined;
  }
  const issuers = list(issuer).map((url) => trustedUrl(url, ['COGAUTH_ISSUER'], insecure));
  if (issuers.length === 0) throw new ConfigError('COGAUTH_ISSUER', 'lists no issuer');
  if (new Set(issuers).size < issuers.length)
    throw new ConfigError('COGAUTH_ISSUER', 'lists an issuer twice');
  return issuers.length === 1 ? (issuers[0] as string) : issuers;
}

/**
 * COGAUTH_USER_POOL_ID, COGAUTH_CLIENT_IDS and the variables that refine that one pool. The JWKS is in the
 * options as given and, imported once, in `keys` for the verifier built here.
 */
function singlePool(
  env: Env,
  settings: VerifierSettings,
): { options: CognitoVerifierOptions; keys: Map<string, KeyEntry> | undefined } {
  const userPoolId = userPoolIdOf(env);
  const clientId = clientIdsOf(env);
  const tokenUse = TOKEN_USES[oneOf(env, 'COGAUTH_TOKEN_USE', ['access', 'id', 'any'])];
  const options: CognitoVerifierOptions = { userPoolId, clientId, tokenUse };
  const insecure = allowInsecureHttp(env);
  if (insecure) options.allowInsecureHttp = true;
  const issuer = issuerOf(env, userPoolId, insecure);
  if (issuer !== undefined) options.issuer = issuer;
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
  if (jwks === undefined) return { options, keys: undefined };
  const keys = preloadedKeys(jwks.value, [jwks.name]);
  options.jwks = jwks.value as Jwks;
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
  'COGAUTH_ALLOW_INSECURE_HTTP',
];
const MAX_POOLS_LIMIT = 10_000;

/**
 * COGAUTH_POOL_ALLOWLIST: pools chosen at run time (a JSON array of `allowPools` entries), checked under
 * that name, with COGAUTH_MAX_POOLS and COGAUTH_MAX_POOL_FETCHES (added to `settings`).
 */
function poolAllowList(env: Env, value: string, settings: VerifierSettings): unknown[] {
  for (const name of LISTED_POOL_VARIABLES)
    if (text(env, name) !== undefined)
      throw new ConfigError(
        name,
        'cannot be combined with COGAUTH_POOL_ALLOWLIST (set it in an allow-list entry)',
      );
  const entries = json('COGAUTH_POOL_ALLOWLIST', value);
  if (!Array.isArray(entries) || entries.length === 0)
    throw new ConfigError('COGAUTH_POOL_ALLOWLIST', 'must be a non-empty array of allow-list entries');
  entries.forEach((entry: unknown, i) => {
    if (isRecord(entry) && entry.graceSeconds !== undefined && !isGraceSeconds(entry.graceSeconds))
      throw new ConfigError(['COGAUTH_POOL_ALLOWLIST', i, 'graceSeconds'], GRACE_RULE);
  });
  const maxPools = integer(env, 'COGAUTH_MAX_POOLS', 1, MAX_POOLS_LIMIT);
  if (maxPools !== undefined) settings.maxPools = maxPools;
  const maxPoolFetches = integer(env, 'COGAUTH_MAX_POOL_FETCHES', 1, MAX_POOLS_LIMIT);
  if (maxPoolFetches !== undefined) settings.maxPoolFetches = maxPoolFetches;
  return entries;
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
 * The verifier part of an environment: one pool's options or several, or an allow-list of pools chosen at
 * run time (`createCognitoVerifier` takes each), and the settings.
 */
export interface VerifierEnvironment {
  readonly options: CognitoVerifierOptions | CognitoVerifierOptions[] | PoolResolverOptions;
  readonly settings: VerifierSettings;
}

/** The verifier variables, checked, and the verifier they make (no network call). */
function readVerifierPart(env: Env): VerifierEnvironment & { readonly verifier: CognitoVerifier } {
  const settings = jwksSettings(env);
  const allowList = text(env, 'COGAUTH_POOL_ALLOWLIST');
  if (allowList !== undefined) {
    const allowPools = poolAllowList(env, allowList, settings);
    // Checked by the verifier under that name: COGAUTH_POOL_ALLOWLIST[0].clientId.
    const verifier = resolvingVerifier(readAllowList(allowPools, ['COGAUTH_POOL_ALLOWLIST']), settings);
    return { options: { allowPools: allowPools as PoolAllowEntry[] }, settings, verifier };
  }
  refuseOrphanPoolSettings(env);
  const poolsJson = text(env, 'COGAUTH_POOLS');
  if (poolsJson !== undefined) {
    const pools = manyPools(env, poolsJson);
    // COGAUTH_POOLS entries are checked by the verifier, under that name.
    const verifier = defaultVerifier(pools, settings, ['COGAUTH_POOLS']);
    return { options: pools as CognitoVerifierOptions[], settings, verifier };
  }
  const { options, keys } = singlePool(env, settings);
  // Every variable is checked above, and the keys imported: the verifier gets them as they are.
  const { jwks: _imported, ...checked } = options;
  const verifier = defaultVerifier(checked, settings, ['options'], keys);
  return { options, settings, verifier };
}

/**
 * The verifier variables alone (COGAUTH_USER_POOL_ID … or COGAUTH_POOLS, and the JWKS settings), checked as
 * the Lambda checks them: for tools that make their own verifier, such as the CLI's `verify`.
 */
export function readVerifierEnvironment(env: Env = process.env): VerifierEnvironment {
  const { options, settings } = readVerifierPart(env);
  return { options, settings };
}

/** The environment's parts, checked: the verifier (no network call), the compiled rules, the answers. */
function readParts(env: Env): { verifier: CognitoVerifier; rules: CompiledRule[]; answers: Answers } {
  const { verifier } = readVerifierPart(env);
  const rules = jsonOrFile(env, 'COGAUTH_RULES', 'COGAUTH_RULES_FILE');
  if (rules === undefined) throw new ConfigError('COGAUTH_RULES', 'is required (or set COGAUTH_RULES_FILE)');
  const compiled = compileParsedRules(rules.value, [rules.name]);
  const answers: Answers = {
    httpApiResponse: oneOf<HttpApiResponse>(env, 'COGAUTH_HTTP_API_RESPONSE', ['iam', 'simple']),
    httpApiCache: oneOf<HttpApiCache>(env, 'COGAUTH_HTTP_API_CACHE', ['on', 'off']),
    appSyncTtlSeconds:
      integer(env, 'COGAUTH_APPSYNC_TTL_SECONDS', 0, MAX_APPSYNC_TTL_SECONDS) ?? DEFAULT_APPSYNC_TTL_SECONDS,
    answerMode: oneOf<AnswerMode>(env, 'COGAUTH_ANSWER_MODE', ['all-routes', 'per-request']),
  };
  // An answer API Gateway would refuse stops the cold start (and the synth or package that reads this).
  checkAnswerSize(new RouteAccess(compiled), answers.answerMode, compiled.length, [rules.name]);
  return { verifier, rules: compiled, answers };
}

/**
 * The authorizer's options from COGAUTH_* variables (see "The Lambda entry" in README.md), checked: a
 * ConfigError's path starts with the variable (`['COGAUTH_RULES', 2, 'route']`). The verifier is built
 * here (no network call), the rules compiled once: `createAuthorizer` does not check them again.
 */
export function readEnvironment(env: Env = process.env): CogauthOptions {
  const { verifier, rules, answers } = readParts(env);
  const { metrics, ...logAndTracing } = readObservabilityVariables(env);
  return {
    verifier,
    rules: writtenRules(rules),
    ...answers,
    ...logAndTracing,
    ...(metrics === undefined ? {} : { metrics }),
  };
}

/**
 * The deployable bundle's setup, straight from the environment: everything is checked where it is read, so
 * the bundle carries neither `createAuthorizer`'s option checks nor the context hook's conversions.
 */
export function environmentSetup(env: Env = process.env): Setup {
  const { verifier, rules, answers } = readParts(env);
  return setupOf(verifier, rules, answers, observabilityOf(env), undefined, undefined, 'COGAUTH_TRACING');
}

/**
 * What `writeEnvironment` writes: the authorizer's options that a deployed function reads from variables,
 * with `metrics` (COGAUTH_METRICS=emf, …), `logLevel`, `logAllowedSampleRate` and `tracing`.
 */
export interface EnvironmentSettings {
  /**
   * One pool's verifier options (written as COGAUTH_USER_POOL_ID and the variables beside it when they say
   * everything, else as COGAUTH_POOLS), or a list of pools (COGAUTH_POOLS, even for one). Values are copied, not checked:
   * deploy-time placeholders (CloudFormation tokens) pass through; read the result back to check it. Pools
   * chosen at run time: `{ allowPools }` (COGAUTH_POOL_ALLOWLIST).
   */
  readonly verifier:
    | CognitoVerifierOptions
    | readonly CognitoVerifierOptions[]
    | Pick<PoolResolverOptions, 'allowPools'>;
  /**
   * The key-set settings for every pool (COGAUTH_JWKS_MAX_AGE_SECONDS, COGAUTH_JWKS_OFFLINE), and with
   * `allowPools` the pool cache's (COGAUTH_MAX_POOLS, COGAUTH_MAX_POOL_FETCHES).
   */
  readonly verifierSettings?: Pick<
    VerifierSettings,
    'jwksMaxAgeMs' | 'jwksOffline' | 'maxPools' | 'maxPoolFetches'
  >;
  /** The rules inline (COGAUTH_RULES), or `{ file }`, a path the function reads (COGAUTH_RULES_FILE). */
  readonly rules: readonly RouteRule[] | { readonly file: string };
  /** With one pool: its `jwks` lives in this file of the function (COGAUTH_JWKS_FILE), not inline. */
  readonly jwksFile?: string;
  readonly httpApiResponse?: HttpApiResponse;
  readonly httpApiCache?: HttpApiCache;
  readonly appSyncTtlSeconds?: number;
  readonly answerMode?: 'all-routes' | 'per-request';
  /** Metrics on (COGAUTH_METRICS=emf), with COGAUTH_METRICS_NAMESPACE (always written), … */
  readonly metrics?: Pick<MetricsOptions, 'namespace' | 'routeDimension' | 'flushSeconds'>;
  readonly logLevel?: LogLevel;
  readonly logAllowedSampleRate?: number;
  readonly tracing?: TracingMode;
}

// The options COGAUTH_USER_POOL_ID and its neighbours can carry; a pool with any other needs COGAUTH_POOLS.
const SINGLE_POOL_OPTIONS = /* @__PURE__ */ new Set([
  'userPoolId',
  'clientId',
  'tokenUse',
  'issuer',
  'jwksUri',
  'allowInsecureHttp',
  'graceSeconds',
  'jwks',
]);

const listed = (value: string | readonly string[]): string =>
  typeof value === 'string' ? value : value.join(',');

/** One pool's variables, or undefined when its options need COGAUTH_POOLS. */
function singlePoolVariables(
  o: CognitoVerifierOptions,
  jwksFile: string | undefined,
): Record<string, string> | undefined {
  if (o.userPoolId === undefined || Object.keys(o).some((k) => !SINGLE_POOL_OPTIONS.has(k))) return undefined;
  const env: Record<string, string> = {
    COGAUTH_USER_POOL_ID: o.userPoolId,
    COGAUTH_CLIENT_IDS: o.clientId === null ? '*' : listed(o.clientId),
    COGAUTH_TOKEN_USE: o.tokenUse ?? 'any',
  };
  if (o.issuer !== undefined) env.COGAUTH_ISSUER = listed(o.issuer);
  if (o.jwksUri !== undefined) env.COGAUTH_JWKS_URI = o.jwksUri;
  if (o.allowInsecureHttp === true) env.COGAUTH_ALLOW_INSECURE_HTTP = 'true';
  if (o.graceSeconds !== undefined) env.COGAUTH_GRACE_SECONDS = String(o.graceSeconds);
  if (jwksFile !== undefined) env.COGAUTH_JWKS_FILE = jwksFile;
  else if (o.jwks !== undefined) env.COGAUTH_JWKS = JSON.stringify(o.jwks);
  return env;
}

/** COGAUTH_POOL_ALLOWLIST: the entries as given (a customCheck cannot be written). */
function allowListVariables(entries: unknown): Record<string, string> {
  if (Array.isArray(entries))
    entries.forEach((entry: unknown, i) => {
      if (isRecord(entry) && typeof entry.customCheck === 'function')
        throw new ConfigError(
          ['verifier', 'allowPools', i, 'customCheck'],
          'cannot be written to an environment',
        );
    });
  return { COGAUTH_POOL_ALLOWLIST: JSON.stringify(entries) };
}

/** COGAUTH_POOLS, COGAUTH_POOL_ALLOWLIST, or one pool's variables. */
function verifierVariables(s: EnvironmentSettings): Record<string, string> {
  const verifier: unknown = s.verifier;
  if (isRecord(verifier) && typeof verifier.verify === 'function')
    throw new ConfigError('verifier', 'cannot be written to an environment: give verifier options');
  if (isRecord(verifier) && 'resolvePool' in verifier)
    throw new ConfigError(
      ['verifier', 'resolvePool'],
      'cannot be written to an environment: give allowPools',
    );
  if (isRecord(verifier) && 'allowPools' in verifier) return allowListVariables(verifier.allowPools);
  const many = Array.isArray(verifier);
  const single = many ? undefined : singlePoolVariables(verifier as CognitoVerifierOptions, s.jwksFile);
  if (single) return single;
  const pools: readonly CognitoVerifierOptions[] = many ? verifier : [verifier as CognitoVerifierOptions];
  if (s.jwksFile !== undefined)
    throw new ConfigError('jwksFile', 'needs a single pool: give each pool of COGAUTH_POOLS its jwks');
  pools.forEach((pool, i) => {
    if (typeof pool.customCheck === 'function')
      throw new ConfigError(['verifier', i, 'customCheck'], 'cannot be written to an environment');
  });
  return { COGAUTH_POOLS: JSON.stringify(pools) };
}

/**
 * The COGAUTH_* variables for `settings`: what the CDK construct and the Serverless plugin give the
 * function, checked by reading them back with `readEnvironment`. COGAUTH_TOKEN_USE and
 * COGAUTH_HTTP_API_RESPONSE are always written, the others only when they differ from the default
 * (COGAUTH_ANSWER_MODE: `per-request`).
 */
export function writeEnvironment(settings: EnvironmentSettings): Record<string, string> {
  const env = verifierVariables(settings);
  const vs = settings.verifierSettings;
  if (vs?.jwksMaxAgeMs !== undefined) env.COGAUTH_JWKS_MAX_AGE_SECONDS = String(vs.jwksMaxAgeMs / 1000);
  if (vs?.jwksOffline === true) env.COGAUTH_JWKS_OFFLINE = 'true';
  if (vs?.maxPools !== undefined) env.COGAUTH_MAX_POOLS = String(vs.maxPools);
  if (vs?.maxPoolFetches !== undefined) env.COGAUTH_MAX_POOL_FETCHES = String(vs.maxPoolFetches);
  const rules = settings.rules;
  if ('file' in rules) env.COGAUTH_RULES_FILE = rules.file;
  else env.COGAUTH_RULES = JSON.stringify(rules);
  env.COGAUTH_HTTP_API_RESPONSE = settings.httpApiResponse ?? 'iam';
  if (settings.httpApiCache === 'off') env.COGAUTH_HTTP_API_CACHE = 'off';
  if (settings.appSyncTtlSeconds !== undefined)
    env.COGAUTH_APPSYNC_TTL_SECONDS = String(settings.appSyncTtlSeconds);
  if (settings.answerMode === 'per-request') env.COGAUTH_ANSWER_MODE = 'per-request';
  return { ...env, ...writeObservability(settings) };
}

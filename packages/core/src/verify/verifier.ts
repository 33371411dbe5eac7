import { ConfigError, type ConfigPath } from '../errors.js';
import type {
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  JwksInput,
  PoolResolverOptions,
  VerifierSettings,
  VerifyOverrides,
} from '../types.js';
import { applyOverrides, type Checks, type ChecksPatch, readOverrides } from './checks.js';
import { checkClaims } from './claims.js';
import { asyncCheck, syncCheck } from './custom-check.js';
import { registerTap, VerifierTap } from './events.js';
import { FetchBudget } from './fetch-budget.js';
import type { KeyEntry } from './jwk.js';
import type { JwksStore } from './jwks.js';
import { MAX_TOKEN_LENGTH, type ParsedToken, parseToken, verifiedHeader } from './jwt.js';
import { PoolLru } from './pool-lru.js';
import { preloadedKeys } from './pool-options.js';
import { isPoolResolverOptions, type PoolSource, readPoolSource } from './pool-resolver.js';
import { type Pool, PoolIndex, type PoolLookup, poolsOf } from './pools.js';
import type { ResultCache } from './result-cache.js';
import { DEFAULT_MAX_POOL_FETCHES, DEFAULT_MAX_POOLS, readSettings } from './settings.js';
import { assertSyncSignatures, checkSignature, nodeOnly } from './signature.js';

/**
 * Creates a verifier for one or more Cognito user pools. All configuration is validated here and a
 * ConfigError names the first bad field; nothing is fetched until a token needs a key (or hydrate()).
 */
export function createCognitoVerifier(
  options: CognitoVerifierOptions | CognitoVerifierOptions[] | PoolResolverOptions,
  settings?: VerifierSettings,
): CognitoVerifier {
  if (isPoolResolverOptions(options))
    return resolvingVerifier(readPoolSource(options, ['options']), settings);
  return verifierOf(options, settings, ['options']);
}

/**
 * A verifier for pools listed in options given elsewhere (the environment, `createAuthorizer`'s
 * `verifier`; pools chosen at run time go through createCognitoVerifier or resolvingVerifier), checked
 * here: errors name a pool of a list `[...root, i, …]` (`COGAUTH_POOLS[1].issuer`) and a single pool's
 * options `[...single, …]`. `keys`: a single pool's JWKS, already imported.
 * Internal (stripped from the .d.ts): its KeyEntry holds a platform key (a node:crypto KeyObject), and the public
 * declarations must not need @types/node.
 * @internal
 */
export function defaultVerifier(
  options: unknown,
  settings: VerifierSettings,
  root: ConfigPath,
  keys?: Map<string, KeyEntry>,
  single: ConfigPath = [],
): CognitoVerifier {
  return verifierOf(options, settings, root, keys, single);
}

/** The window of a pool resolver's download budget (`maxPoolFetches` per window). */
const POOL_FETCH_WINDOW_MS = 10_000;

/**
 * A verifier whose pools come from `source` (pools chosen at run time, e.g. the environment's allow-list).
 * @internal
 */
export function resolvingVerifier(
  source: PoolSource,
  settings: VerifierSettings | undefined,
): CognitoVerifier {
  const { cache, jwks, pools } = readSettings(settings);
  const { maxPools = DEFAULT_MAX_POOLS, maxPoolFetches = DEFAULT_MAX_POOL_FETCHES } = pools ?? {};
  const budget = new FetchBudget(maxPoolFetches, POOL_FETCH_WINDOW_MS);
  const forgetResults = () => cache?.clear();
  const tap = new VerifierTap();
  return verifierWith(
    cache,
    new PoolLru(source, { maxPools, maxPoolFetches }, { ...jwks, budget, events: tap }, forgetResults),
    tap,
  );
}

type Cache = ResultCache<CognitoClaims> | null;

function passes(claims: Record<string, unknown>, checks: Checks, nowMs: number): boolean {
  try {
    checkClaims(claims, checks.rules, nowMs / 1000);
    return true;
  } catch {
    return false;
  }
}

/** A cached result, served only while its pool is in memory and its key set within its max age. */
function cached(cache: Cache, index: PoolLookup, token: unknown, nowMs: number): CognitoClaims | undefined {
  if (cache === null || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const hit = cache.get(token, nowMs);
  if (hit === undefined) return undefined;
  const pool = index.single ?? index.poolOfHit(hit);
  return pool !== undefined && nowMs < pool.jwks.staleAt ? hit : undefined;
}

/** The checks for a cache hit that needs more than the lookup (overrides or a customCheck). */
function hitChecks(
  index: PoolLookup,
  hit: CognitoClaims,
  patch: ChecksPatch | undefined,
  nowMs: number,
): Checks {
  const pool = index.poolOfHit(hit) as Pool;
  if (patch === undefined) return pool.checks;
  const checks = applyOverrides(pool.checks, patch);
  checkClaims(hit, checks.rules, nowMs / 1000);
  return checks;
}

/** Standard claims of a token whose signature verified. Caches the result if it also meets the pool's own checks. */
function finish(
  v: Verifying,
  token: string,
  parsed: ParsedToken,
  pool: Pool,
  checks: Checks,
  nowMs: number,
): CognitoClaims {
  const cache = v.cache;
  const claims = parsed.payload;
  checkClaims(claims, checks.rules, nowMs / 1000);
  // Results may be shared through the cache, so callers get an immutable object.
  const groups = claims['cognito:groups'];
  if (groups !== undefined) Object.freeze(groups);
  Object.freeze(claims);
  // The cache holds only results that meet the pool's checks: overrides may have loosened them.
  if (cache !== null && (checks === pool.checks || passes(claims, pool.checks, nowMs))) {
    v.index.verified(claims, pool);
    cache.set(token, claims, claims.exp * 1000, nowMs);
  }
  return claims;
}

/** Fetches the pool's JWKS for a kid that is not in memory (or a stale set); throws when still missing. */
async function loadKey(jwks: JwksStore, kid: string, nowMs: number): Promise<KeyEntry> {
  await jwks.load(kid, nowMs);
  // Taken after the wait: dropJwks() or cacheJwks() may have removed the key meanwhile.
  const entry = jwks.find(kid);
  if (entry === undefined) throw jwks.missing(kid);
  return entry;
}

/** What one verifier works with: its result cache (null when off), its pools and its metrics listeners. */
interface Verifying {
  readonly cache: Cache;
  readonly index: PoolLookup;
  readonly tap: VerifierTap;
}

async function verifyAsync(v: Verifying, token: string, overrides?: VerifyOverrides): Promise<CognitoClaims> {
  const patch = overrides === undefined ? undefined : readOverrides(overrides);
  const nowMs = Date.now();
  const hit = cached(v.cache, v.index, token, nowMs);
  if (hit !== undefined) {
    v.tap.resultCacheHit();
    if (patch === undefined && !v.index.customChecks) return hit;
    return asyncCheck(hitChecks(v.index, hit, patch, nowMs), verifiedHeader(token), hit);
  }
  const parsed = parseToken(token);
  const found = v.index.poolOf(parsed.payload.iss);
  // Only a pool resolver waits here; the pools listed at creation answer at once.
  const pool = found instanceof Promise ? await found : found;
  const kid = parsed.header.kid;
  let entry = nowMs < pool.jwks.staleAt ? pool.jwks.find(kid) : undefined;
  let checkedAt = nowMs;
  if (entry === undefined) {
    entry = await loadKey(pool.jwks, kid, nowMs);
    // The claims are checked against the time after the wait for the JWKS.
    checkedAt = Date.now();
  }
  const checks = patch === undefined ? pool.checks : applyOverrides(pool.checks, patch);
  // node:crypto answers at once (no await, so no extra turn); Web Crypto answers with a promise.
  const signed = checkSignature(parsed, entry);
  if (signed !== undefined) await signed;
  const claims = finish(v, token, parsed, pool, checks, checkedAt);
  return checks.customCheck === null ? claims : asyncCheck(checks, parsed.header, claims);
}

function verifyNow(v: Verifying, token: string, overrides?: VerifyOverrides): CognitoClaims {
  assertSyncSignatures();
  const patch = overrides === undefined ? undefined : readOverrides(overrides);
  const nowMs = Date.now();
  const hit = cached(v.cache, v.index, token, nowMs);
  if (hit !== undefined) {
    v.tap.resultCacheHit();
    if (patch === undefined && !v.index.customChecks) return hit;
    return syncCheck(hitChecks(v.index, hit, patch, nowMs), verifiedHeader(token), hit);
  }
  const parsed = parseToken(token);
  const pool = v.index.poolNow(parsed.payload.iss);
  const kid = parsed.header.kid;
  pool.jwks.refreshInBackground(nowMs);
  const entry = pool.jwks.find(kid);
  if (entry === undefined) throw pool.jwks.missing(kid);
  const checks = patch === undefined ? pool.checks : applyOverrides(pool.checks, patch);
  // Never a promise here (assertSyncSignatures); were it one, refuse rather than skip the signature.
  if (checkSignature(parsed, entry) !== undefined) throw nodeOnly();
  return syncCheck(checks, parsed.header, finish(v, token, parsed, pool, checks, nowMs));
}

function verifierOf(
  options: unknown,
  settings: VerifierSettings | undefined,
  root: ConfigPath,
  keys?: Map<string, KeyEntry>,
  single: ConfigPath = [],
): CognitoVerifier {
  const { cache, jwks, pools } = readSettings(settings);
  if (pools !== undefined)
    throw new ConfigError(
      ['settings', 'maxPools'],
      'applies only to pools chosen at run time (allowPools, resolvePool)',
    );
  // A new key set that drops or changes a key must also drop the results verified with it.
  const forgetResults = () => cache?.clear();
  const tap = new VerifierTap();
  const events = { ...jwks, events: tap };
  return verifierWith(cache, new PoolIndex(poolsOf(options, root, events, forgetResults, keys, single)), tap);
}

function verifierWith(cache: Cache, index: PoolLookup, tap: VerifierTap): CognitoVerifier {
  const v: Verifying = { cache, index, tap };
  // Plain closures, not methods on `this`: `const { verify } = verifier` keeps working.
  const verifier: CognitoVerifier = {
    verify: (token: string, overrides?: VerifyOverrides) => verifyAsync(v, token, overrides),
    verifySync: (token: string, overrides?: VerifyOverrides) => verifyNow(v, token, overrides),
    hydrate: () => index.hydrate(),
    cacheJwks(jwks: JwksInput, pool?: string): void {
      index.cacheJwks(preloadedKeys(jwks, ['jwks']), pool);
    },
    dropJwks(pool?: string): void {
      index.dropJwks(pool);
    },
  };
  registerTap(verifier, tap);
  return verifier;
}

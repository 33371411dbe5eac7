import type { ConfigPath } from '../errors.js';
import type {
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  JwksInput,
  VerifierSettings,
  VerifyOverrides,
} from '../types.js';
import { applyOverrides, type Checks, type ChecksPatch, readOverrides } from './checks.js';
import { checkClaims } from './claims.js';
import { asyncCheck, syncCheck } from './custom-check.js';
import type { KeyEntry } from './jwk.js';
import type { JwksSettings, JwksStore } from './jwks.js';
import { MAX_TOKEN_LENGTH, type ParsedToken, parseToken, verifiedHeader } from './jwt.js';
import { preloadedKeys } from './pool-options.js';
import { type Pool, PoolIndex, poolsOf } from './pools.js';
import type { ResultCache } from './result-cache.js';
import { readSettings } from './settings.js';
import { assertSyncSignatures, checkSignature, nodeOnly } from './signature.js';

/**
 * Creates a verifier for one or more Cognito user pools. All configuration is validated here and a
 * ConfigError names the first bad field; nothing is fetched until a token needs a key (or hydrate()).
 */
export function createCognitoVerifier(
  options: CognitoVerifierOptions | CognitoVerifierOptions[],
  settings?: VerifierSettings,
): CognitoVerifier {
  const { cache, jwks } = readSettings(settings);
  return verifierOf(options, cache, jwks, ['options']);
}

/**
 * A verifier from options given elsewhere (the environment, `createAuthorizer`'s `verifier`), checked
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
  const { cache, jwks } = readSettings(settings);
  return verifierOf(options, cache, jwks, root, keys, single);
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

/** A cached result, served only while its pool's key set is within its max age. */
function cached(cache: Cache, index: PoolIndex, token: unknown, nowMs: number): CognitoClaims | undefined {
  if (cache === null || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const hit = cache.get(token, nowMs);
  if (hit === undefined) return undefined;
  const pool = index.single ?? index.poolOf(hit.iss);
  return nowMs < pool.jwks.staleAt ? hit : undefined;
}

/** The checks for a cache hit that needs more than the lookup (overrides or a customCheck). */
function hitChecks(
  index: PoolIndex,
  hit: CognitoClaims,
  patch: ChecksPatch | undefined,
  nowMs: number,
): Checks {
  const pool = index.poolOf(hit.iss);
  if (patch === undefined) return pool.checks;
  const checks = applyOverrides(pool.checks, patch);
  checkClaims(hit, checks.rules, nowMs / 1000);
  return checks;
}

/** Standard claims of a token whose signature verified. Caches the result if it also meets the pool's own checks. */
function finish(
  cache: Cache,
  token: string,
  parsed: ParsedToken,
  pool: Pool,
  checks: Checks,
  nowMs: number,
): CognitoClaims {
  const claims = parsed.payload;
  checkClaims(claims, checks.rules, nowMs / 1000);
  // Results may be shared through the cache, so callers get an immutable object.
  const groups = claims['cognito:groups'];
  if (groups !== undefined) Object.freeze(groups);
  Object.freeze(claims);
  // The cache holds only results that meet the pool's checks: overrides may have loosened them.
  if (cache !== null && (checks === pool.checks || passes(claims, pool.checks, nowMs)))
    cache.set(token, claims, claims.exp * 1000, nowMs);
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

/** What one verifier works with: its result cache (null when off) and its pools. */
interface Verifying {
  readonly cache: Cache;
  readonly index: PoolIndex;
}

async function verifyAsync(v: Verifying, token: string, overrides?: VerifyOverrides): Promise<CognitoClaims> {
  const patch = overrides === undefined ? undefined : readOverrides(overrides);
  const nowMs = Date.now();
  const hit = cached(v.cache, v.index, token, nowMs);
  if (hit !== undefined) {
    if (patch === undefined && !v.index.customChecks) return hit;
    return asyncCheck(hitChecks(v.index, hit, patch, nowMs), verifiedHeader(token), hit);
  }
  const parsed = parseToken(token);
  const pool = v.index.poolOf(parsed.payload.iss);
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
  const claims = finish(v.cache, token, parsed, pool, checks, checkedAt);
  return checks.customCheck === null ? claims : asyncCheck(checks, parsed.header, claims);
}

function verifyNow(v: Verifying, token: string, overrides?: VerifyOverrides): CognitoClaims {
  assertSyncSignatures();
  const patch = overrides === undefined ? undefined : readOverrides(overrides);
  const nowMs = Date.now();
  const hit = cached(v.cache, v.index, token, nowMs);
  if (hit !== undefined) {
    if (patch === undefined && !v.index.customChecks) return hit;
    return syncCheck(hitChecks(v.index, hit, patch, nowMs), verifiedHeader(token), hit);
  }
  const parsed = parseToken(token);
  const pool = v.index.poolOf(parsed.payload.iss);
  const kid = parsed.header.kid;
  pool.jwks.refreshInBackground(nowMs);
  const entry = pool.jwks.find(kid);
  if (entry === undefined) throw pool.jwks.missing(kid);
  const checks = patch === undefined ? pool.checks : applyOverrides(pool.checks, patch);
  // Never a promise here (assertSyncSignatures); were it one, refuse rather than skip the signature.
  if (checkSignature(parsed, entry) !== undefined) throw nodeOnly();
  return syncCheck(checks, parsed.header, finish(v.cache, token, parsed, pool, checks, nowMs));
}

function verifierOf(
  options: unknown,
  cache: Cache,
  jwksSettings: JwksSettings,
  root: ConfigPath,
  keys?: Map<string, KeyEntry>,
  single: ConfigPath = [],
): CognitoVerifier {
  // A new key set that drops or changes a key must also drop the results verified with it.
  const forgetResults = () => cache?.clear();
  const index = new PoolIndex(poolsOf(options, root, jwksSettings, forgetResults, keys, single));
  const v: Verifying = { cache, index };
  // Plain closures, not methods on `this`: `const { verify } = verifier` keeps working.
  return {
    verify: (token: string, overrides?: VerifyOverrides) => verifyAsync(v, token, overrides),
    verifySync: (token: string, overrides?: VerifyOverrides) => verifyNow(v, token, overrides),
    async hydrate(): Promise<void> {
      await Promise.all(index.pools.map((pool) => pool.jwks.refresh()));
    },
    cacheJwks(jwks: JwksInput, pool?: string): void {
      const keys = preloadedKeys(jwks, ['jwks']);
      const now = Date.now();
      for (const p of index.named(pool, true)) p.jwks.replace(new Map(keys), now);
    },
    dropJwks(pool?: string): void {
      for (const p of index.named(pool, false)) p.jwks.drop();
    },
  };
}

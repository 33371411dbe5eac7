import { verify as cryptoVerify } from 'node:crypto';
import { ConfigError, VerifyError } from '../errors.js';
import type {
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  CustomCheckInput,
  JwksInput,
  VerifierSettings,
  VerifyOverrides,
} from '../types.js';
import { checkClaims } from './claims.js';
import { assertKeyFits, type KeyEntry } from './jwk.js';
import { type JwksSettings, JwksStore } from './jwks.js';
import { MAX_TOKEN_LENGTH, type ParsedToken, parseToken, type TokenHeader, verifiedHeader } from './jwt.js';
import type { ResultCache } from './result-cache.js';
import {
  applyOverrides,
  type Checks,
  type ChecksPatch,
  preloadedKeys,
  readOverrides,
  readPool,
  readSettings,
} from './verifier-config.js';

interface Pool {
  readonly userPoolId: string | undefined;
  readonly issuers: readonly string[];
  readonly checks: Checks;
  readonly jwks: JwksStore;
}

/**
 * Creates a verifier for one or more Cognito user pools. All configuration is validated here and a
 * ConfigError names the first bad field; nothing is fetched until a token needs a key (or hydrate()).
 */
export function createCognitoVerifier(
  options: CognitoVerifierOptions | CognitoVerifierOptions[],
  settings?: VerifierSettings,
): CognitoVerifier {
  const { cache, jwks } = readSettings(settings);
  return verifierOf(options, cache, jwks, 'options');
}

/**
 * The Lambda entry's verifier: options straight from the environment, checked here; `root` names the
 * options in errors (`COGAUTH_POOLS[1].issuer`). `keys`: a single pool's JWKS, already imported.
 * Internal (stripped from the .d.ts): its KeyEntry holds a node:crypto KeyObject, and the public
 * declarations must not need @types/node.
 * @internal
 */
export function defaultVerifier(
  options: unknown,
  settings: VerifierSettings,
  root: string,
  keys?: Map<string, KeyEntry>,
): CognitoVerifier {
  const { cache, jwks } = readSettings(settings);
  return verifierOf(options, cache, jwks, root, keys);
}

function customCheckFailed(error: unknown): VerifyError {
  const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
  return new VerifyError('CUSTOM_CHECK_FAILED', `customCheck refused the token${detail}`, { cause: error });
}

function checkInput(header: TokenHeader, payload: CognitoClaims): CustomCheckInput {
  return { header: { alg: header.alg, kid: header.kid }, payload };
}

function passes(claims: Record<string, unknown>, checks: Checks, nowMs: number): boolean {
  try {
    checkClaims(claims, checks.rules, nowMs / 1000);
    return true;
  } catch {
    return false;
  }
}

function verifierOf(
  options: unknown,
  cache: ResultCache<CognitoClaims> | null,
  jwksSettings: JwksSettings,
  root: string,
  keys?: Map<string, KeyEntry>,
): CognitoVerifier {
  const many = Array.isArray(options);
  const list: unknown[] = many ? options : [options];
  if (list.length === 0) throw new ConfigError(root, 'must list at least one user pool');

  // A new key set that drops or changes a key must also drop the results verified with it.
  const forgetResults = () => cache?.clear();
  const byIssuer = new Map<string, Pool>();
  const pools: Pool[] = [];
  list.forEach((entry, i) => {
    const prefix = many ? `${root}[${i}].` : '';
    const config = readPool(entry, many ? `${root}[${i}]` : root, prefix);
    const preloaded = config.preloaded ?? keys;
    if (jwksSettings.offline && preloaded === undefined)
      throw new ConfigError(
        `${prefix}jwks`,
        'is required offline (settings.jwksOffline, COGAUTH_JWKS_OFFLINE=true)',
      );
    const pool: Pool = {
      userPoolId: config.userPoolId,
      issuers: config.issuers,
      checks: config.checks,
      jwks: new JwksStore(config.jwksUri, jwksSettings, preloaded, forgetResults),
    };
    for (const issuer of config.issuers) {
      if (byIssuer.has(issuer)) throw new ConfigError(`${prefix}issuer`, 'is used by two pools');
      byIssuer.set(issuer, pool);
    }
    pools.push(pool);
  });
  const single = pools.length === 1 ? pools[0] : undefined;
  const customChecks = pools.some((pool) => pool.checks.customCheck !== null);

  // `iss` is a fresh string in every token; comparing it with a few issuers is cheaper than hashing it.
  const issuers = [...byIssuer.keys()];
  const issuerPools = [...byIssuer.values()];
  const scan = issuers.length <= 8;

  function poolOf(iss: unknown): Pool {
    if (typeof iss !== 'string') throw new VerifyError('ISSUER_INVALID', 'token has no issuer (iss)');
    let pool: Pool | undefined;
    if (scan) {
      for (let i = 0; i < issuers.length; i++) {
        if (issuers[i] === iss) {
          pool = issuerPools[i];
          break;
        }
      }
    } else {
      pool = byIssuer.get(iss);
    }
    if (pool === undefined)
      throw new VerifyError('ISSUER_INVALID', 'token issuer (iss) is not a configured user pool');
    return pool;
  }

  /** A cached result is served only while its pool's key set is within its max age. */
  function cached(token: unknown, nowMs: number): CognitoClaims | undefined {
    if (cache === null || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    const hit = cache.get(token, nowMs);
    if (hit === undefined) return undefined;
    const pool = single ?? poolOf(hit.iss);
    return nowMs < pool.jwks.staleAt ? hit : undefined;
  }

  /** Signature and standard claims. Caches the result if it also meets the pool's own checks. */
  function finish(
    token: string,
    parsed: ParsedToken,
    pool: Pool,
    checks: Checks,
    entry: KeyEntry,
    nowMs: number,
  ): CognitoClaims {
    const spec = parsed.header.spec;
    assertKeyFits(entry, spec);
    const signature = parsed.signature;
    let valid = spec.signatureBytes === undefined || signature.length === spec.signatureBytes;
    if (valid) {
      try {
        valid = cryptoVerify(spec.hash, parsed.signingInput, entry.verifyKey, signature);
      } catch {
        valid = false;
      }
    }
    if (!valid) throw new VerifyError('SIGNATURE_INVALID', 'token signature is invalid');

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

  /** For a cache hit that needs more than the lookup: overrides or a customCheck. */
  function hitChecks(hit: CognitoClaims, patch: ChecksPatch | undefined, nowMs: number): Checks {
    const pool = poolOf(hit.iss);
    if (patch === undefined) return pool.checks;
    const checks = applyOverrides(pool.checks, patch);
    checkClaims(hit, checks.rules, nowMs / 1000);
    return checks;
  }

  function syncCheck(checks: Checks, header: TokenHeader, claims: CognitoClaims): CognitoClaims {
    const check = checks.customCheck;
    if (check === null) return claims;
    let result: unknown;
    try {
      result = check(checkInput(header, claims));
    } catch (error) {
      throw customCheckFailed(error);
    }
    if (result instanceof Promise) {
      result.catch(() => {});
      throw new VerifyError(
        'CUSTOM_CHECK_FAILED',
        'customCheck returned a promise: verifySync needs a synchronous check (use verify)',
      );
    }
    return claims;
  }

  async function asyncCheck(checks: Checks, header: TokenHeader, claims: CognitoClaims) {
    const check = checks.customCheck;
    if (check === null) return claims;
    try {
      await check(checkInput(header, claims));
    } catch (error) {
      throw customCheckFailed(error);
    }
    return claims;
  }

  function named(pool: unknown, needed: boolean): Pool[] {
    if (pool === undefined) {
      if (needed && pools.length > 1)
        throw new ConfigError('pool', 'is required with several pools: give a userPoolId or issuer');
      return pools;
    }
    const found = pools.filter(
      (p) => p.userPoolId === pool || (typeof pool === 'string' && p.issuers.includes(pool)),
    );
    if (found.length === 0) throw new ConfigError('pool', 'names no configured pool (userPoolId or issuer)');
    return found;
  }

  return {
    async verify(token: string, overrides?: VerifyOverrides): Promise<CognitoClaims> {
      const patch = overrides === undefined ? undefined : readOverrides(overrides);
      const nowMs = Date.now();
      const hit = cached(token, nowMs);
      if (hit !== undefined) {
        if (patch === undefined && !customChecks) return hit;
        return asyncCheck(hitChecks(hit, patch, nowMs), verifiedHeader(token), hit);
      }
      const parsed = parseToken(token);
      const pool = poolOf(parsed.payload.iss);
      const kid = parsed.header.kid;
      const jwks = pool.jwks;
      let entry = nowMs < jwks.staleAt ? jwks.find(kid) : undefined;
      let checkedAt = nowMs;
      if (entry === undefined) {
        await jwks.load(kid, nowMs);
        // Taken after the wait: dropJwks() or cacheJwks() may have removed the key meanwhile.
        entry = jwks.find(kid);
        if (entry === undefined) throw jwks.missing(kid);
        // The claims are checked against the time after the wait for the JWKS.
        checkedAt = Date.now();
      }
      const checks = patch === undefined ? pool.checks : applyOverrides(pool.checks, patch);
      const claims = finish(token, parsed, pool, checks, entry, checkedAt);
      return checks.customCheck === null ? claims : asyncCheck(checks, parsed.header, claims);
    },

    verifySync(token: string, overrides?: VerifyOverrides): CognitoClaims {
      const patch = overrides === undefined ? undefined : readOverrides(overrides);
      const nowMs = Date.now();
      const hit = cached(token, nowMs);
      if (hit !== undefined) {
        if (patch === undefined && !customChecks) return hit;
        return syncCheck(hitChecks(hit, patch, nowMs), verifiedHeader(token), hit);
      }
      const parsed = parseToken(token);
      const pool = poolOf(parsed.payload.iss);
      const kid = parsed.header.kid;
      pool.jwks.refreshInBackground(nowMs);
      const entry = pool.jwks.find(kid);
      if (entry === undefined) throw pool.jwks.missing(kid);
      const checks = patch === undefined ? pool.checks : applyOverrides(pool.checks, patch);
      return syncCheck(checks, parsed.header, finish(token, parsed, pool, checks, entry, nowMs));
    },

    async hydrate(): Promise<void> {
      await Promise.all(pools.map((pool) => pool.jwks.refresh()));
    },

    cacheJwks(jwks: JwksInput, pool?: string): void {
      const keys = preloadedKeys(jwks, 'jwks');
      const now = Date.now();
      for (const p of named(pool, true)) p.jwks.replace(new Map(keys), now);
    },

    dropJwks(pool?: string): void {
      for (const p of named(pool, false)) p.jwks.drop();
    },
  };
}

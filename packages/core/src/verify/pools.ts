import { ConfigError, type ConfigPath, VerifyError } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import type { Checks } from './checks.js';
import type { KeyEntry } from './jwk.js';
import { type JwksSettings, JwksStore } from './jwks.js';
import { readPool } from './pool-options.js';

/** One user pool of a verifier: its issuers, its checks and its key set. */
export interface Pool {
  readonly userPoolId: string | undefined;
  readonly issuers: readonly string[];
  readonly checks: Checks;
  readonly jwks: JwksStore;
  /** Where its options are, for errors: `['COGAUTH_POOLS', 1]`, or `[]` for a verifier's one pool. */
  readonly place: ConfigPath;
}

/**
 * The pools of one verifier, validated from its options, each with its own key set. Errors name a pool
 * of a list `[...root, i]` and a single pool's options `single` (`[]`: `clientId`, not `options.clientId`). `keys`: a single pool's JWKS, already imported. `forgetResults` runs when a new key set drops
 * or changes a key, so the results verified with it go too.
 */
export function poolsOf(
  options: unknown,
  root: ConfigPath,
  jwksSettings: JwksSettings,
  forgetResults: () => void,
  keys?: Map<string, KeyEntry>,
  single: ConfigPath = [],
): Pool[] {
  const many = Array.isArray(options);
  const list: unknown[] = many ? options : [options];
  if (list.length === 0) throw new ConfigError(root, 'must list at least one user pool');
  return list.map((entry, i) => {
    const place = many ? [...root, i] : single;
    const config = readPool(entry, many ? place : root, place);
    const preloaded = config.preloaded ?? keys;
    if (jwksSettings.offline && preloaded === undefined)
      throw new ConfigError(
        [...place, 'jwks'],
        'is required offline (settings.jwksOffline, COGAUTH_JWKS_OFFLINE=true)',
      );
    return {
      userPoolId: config.userPoolId,
      issuers: config.issuers,
      checks: config.checks,
      jwks: new JwksStore(config.jwksUri, jwksSettings, preloaded, forgetResults),
      place,
    };
  });
}

/**
 * How a verifier finds a token's pool: the pools listed at creation (PoolIndex), or pools chosen at run time
 * and kept in a bounded cache (PoolLru).
 */
export interface PoolLookup {
  /** The one pool, when there is only one: a cache hit needs no lookup then. */
  readonly single: Pool | undefined;
  /** Whether some pool may have a customCheck (a cache hit must then run it). */
  readonly customChecks: boolean;
  /** The pool whose issuer the token names; ISSUER_INVALID for any other. A promise while a pool is resolved. */
  poolOf(iss: unknown): Pool | Promise<Pool>;
  /** The pool for `iss` from memory only, for verifySync. */
  poolNow(iss: unknown): Pool;
  /** The pool a cached result was verified under, while it still is its issuer's; undefined: a miss. */
  poolOfHit(hit: CognitoClaims): Pool | undefined;
  /** Notes that `claims` were verified under `pool` (and may be cached). */
  verified(claims: CognitoClaims, pool: Pool): void;
  /** Fetches the key sets of the pools known now. */
  hydrate(): Promise<void>;
  /** Replaces the keys of the pool `pool` names (all of them when there is one) with `keys`. */
  cacheJwks(keys: Map<string, KeyEntry>, pool: unknown): void;
  /** Forgets the keys of the pools `pool` names (all without it). */
  dropJwks(pool: unknown): void;
}

/** Finds a token's pool by its `iss`, and a pool by the name `cacheJwks`/`dropJwks` were given. */
export class PoolIndex implements PoolLookup {
  readonly pools: readonly Pool[];
  /** The one pool, when there is only one: a cache hit needs no lookup then. */
  readonly single: Pool | undefined;
  /** Whether some pool has a customCheck (a cache hit must then run it). */
  readonly customChecks: boolean;
  readonly #byIssuer = new Map<string, Pool>();

  constructor(pools: readonly Pool[]) {
    for (const pool of pools) {
      for (const issuer of pool.issuers) {
        if (this.#byIssuer.has(issuer))
          throw new ConfigError([...pool.place, 'issuer'], 'is used by two pools');
        this.#byIssuer.set(issuer, pool);
      }
    }
    this.pools = pools;
    this.single = pools.length === 1 ? pools[0] : undefined;
    this.customChecks = pools.some((pool) => pool.checks.customCheck !== null);
  }

  /** The pool whose issuer the token names; ISSUER_INVALID for any other. */
  poolOf(iss: unknown): Pool {
    if (typeof iss !== 'string') throw new VerifyError('ISSUER_INVALID', 'token has no issuer (iss)');
    const pool = this.#byIssuer.get(iss);
    if (pool === undefined)
      throw new VerifyError('ISSUER_INVALID', 'token issuer (iss) is not a configured user pool');
    return pool;
  }

  poolNow(iss: unknown): Pool {
    return this.poolOf(iss);
  }

  poolOfHit(hit: CognitoClaims): Pool {
    return this.single ?? this.poolOf(hit.iss);
  }

  verified(): void {}

  async hydrate(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.jwks.refresh()));
  }

  cacheJwks(keys: Map<string, KeyEntry>, pool: unknown): void {
    const now = Date.now();
    for (const p of this.named(pool, true)) p.jwks.replace(new Map(keys), now);
  }

  dropJwks(pool: unknown): void {
    for (const p of this.named(pool, false)) p.jwks.drop();
  }

  /** The pools `pool` (a userPoolId or issuer) names; all of them when absent, unless one is `needed`. */
  named(pool: unknown, needed: boolean): readonly Pool[] {
    if (pool === undefined) {
      if (needed && this.pools.length > 1)
        throw new ConfigError('pool', 'is required with several pools: give a userPoolId or issuer');
      return this.pools;
    }
    const found = this.pools.filter(
      (p) => p.userPoolId === pool || (typeof pool === 'string' && p.issuers.includes(pool)),
    );
    if (found.length === 0) throw new ConfigError('pool', 'names no configured pool (userPoolId or issuer)');
    return found;
  }
}

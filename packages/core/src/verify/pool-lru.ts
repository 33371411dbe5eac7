import { ConfigError, VerifyError } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import type { Checks } from './checks.js';
import type { KeyEntry } from './jwk.js';
import { type JwksSettings, JwksStore } from './jwks.js';
import type { PoolSource, ReadIssuer } from './pool-resolver.js';
import type { Pool, PoolLookup } from './pools.js';
import type { PoolCacheSettings } from './settings.js';

/** A pool in memory. `id` tells its generations apart: a result verified under another one is a miss. */
interface Held {
  readonly pool: Pool;
  readonly id: number;
  /** When the resolver is asked about the pool again (the callback form); Infinity for an allow-list. */
  readonly resolveAgainAt: number;
}

function notAccepted(): VerifyError {
  return new VerifyError('ISSUER_INVALID', 'token issuer (iss) is not an accepted user pool');
}

/**
 * The pools of a verifier with a pool resolver: at most `maxPools` in memory, the least recently used
 * dropped first, each with its own key set. A token's issuer is read before anything else; an issuer the
 * source does not accept is refused with no call and no download. A pool dropped from memory is resolved
 * and downloaded again when a token needs it; every download takes from the verifier's budget (jwks.ts).
 */
export class PoolLru implements PoolLookup {
  readonly single = undefined;
  readonly customChecks: boolean;
  readonly #source: PoolSource;
  readonly #maxPools: number;
  readonly #jwks: JwksSettings;
  readonly #forgetResults: () => void;
  /** By pool key, least recently used first (a Map keeps insertion order; a use re-inserts). */
  readonly #held = new Map<string, Held>();
  /** By every issuer of the pools in memory: a token's `iss` finds its pool without being read again. */
  readonly #byIssuer = new Map<string, Held>();
  readonly #resolving = new Map<string, Promise<Held>>();
  // Weak, and holding only the generation: a cached result must not keep a dropped pool's keys alive.
  readonly #results = new WeakMap<object, number>();
  #nextId = 1;

  constructor(
    source: PoolSource,
    settings: PoolCacheSettings,
    jwks: JwksSettings,
    forgetResults: () => void,
  ) {
    this.#source = source;
    this.customChecks = source.customChecks;
    this.#maxPools = settings.maxPools;
    this.#jwks = jwks;
    this.#forgetResults = forgetResults;
  }

  /** How many pools are in memory. */
  get size(): number {
    return this.#held.size;
  }

  poolOf(iss: unknown): Pool | Promise<Pool> {
    const known = this.#known(iss, Date.now());
    if (known !== undefined) return known.pool;
    const read = this.#source.read(iss);
    if (read === undefined) throw notAccepted();
    const resolving = this.#resolving.get(read.key);
    if (resolving !== undefined) return resolving.then((h) => h.pool);
    const checks = this.#source.resolve(read);
    if (!(checks instanceof Promise)) return this.#hold(read, checks).pool;
    const pending = checks.then((c) => this.#hold(read, c));
    this.#resolving.set(read.key, pending);
    const done = () => this.#resolving.delete(read.key);
    pending.then(done, done);
    return pending.then((h) => h.pool);
  }

  poolNow(iss: unknown): Pool {
    const known = this.#known(iss, Date.now());
    if (known !== undefined) return known.pool;
    if (this.#source.read(iss) === undefined) throw notAccepted();
    throw new VerifyError(
      'JWKS_UNAVAILABLE',
      "this token's user pool is not in memory yet: verify() loads it (verifySync never waits)",
    );
  }

  poolOfHit(hit: CognitoClaims): Pool | undefined {
    const id = this.#results.get(hit);
    if (id === undefined) return undefined;
    const held = this.#known(hit.iss, Date.now());
    return held?.id === id ? held.pool : undefined;
  }

  verified(claims: CognitoClaims, pool: Pool): void {
    const held = this.#held.get(pool.issuers[0] as string);
    if (held?.pool === pool) this.#results.set(claims, held.id);
  }

  async hydrate(): Promise<void> {
    await Promise.all([...this.#held.values()].map((held) => held.pool.jwks.refresh()));
  }

  cacheJwks(keys: Map<string, KeyEntry>, pool: unknown): void {
    if (pool === undefined) throw new ConfigError('pool', 'is required with a pool resolver');
    const found = this.#named(pool);
    if (found.length === 0)
      throw new ConfigError(
        'pool',
        'names no pool in memory: with a pool resolver, give keys to a pool in use',
      );
    const now = Date.now();
    for (const held of found) held.pool.jwks.replace(new Map(keys), now);
  }

  /** Forgets the pools `pool` names (all without it): the next token of one is resolved and fetched anew. */
  dropJwks(pool: unknown): void {
    const found = pool === undefined ? [...this.#held.values()] : this.#named(pool);
    for (const held of found) {
      this.#forget(held);
      held.pool.jwks.drop();
    }
  }

  /** The pool in memory for a token's `iss`, if it need not be resolved again; marks it used. */
  #known(iss: unknown, now: number): Held | undefined {
    if (typeof iss !== 'string') return undefined;
    const held = this.#byIssuer.get(iss);
    if (held === undefined || now >= held.resolveAgainAt) return undefined;
    const key = held.pool.issuers[0] as string;
    this.#held.delete(key);
    this.#held.set(key, held);
    return held;
  }

  #forget(held: Held): void {
    if (this.#held.get(held.pool.issuers[0] as string) === held)
      this.#held.delete(held.pool.issuers[0] as string);
    for (const iss of held.pool.issuers) if (this.#byIssuer.get(iss) === held) this.#byIssuer.delete(iss);
  }

  /** Puts the resolved pool in memory (keeping its key set when it is resolved again), dropping the oldest. */
  #hold(read: ReadIssuer, checks: Checks | undefined): Held {
    const before = this.#held.get(read.key);
    if (before !== undefined) this.#forget(before);
    if (checks === undefined) throw notAccepted();
    const jwks = before?.pool.jwks ?? new JwksStore(read.jwksUri, this.#jwks, undefined, this.#forgetResults);
    const pool: Pool = { userPoolId: read.pool.userPoolId, issuers: read.issuers, checks, jwks, place: [] };
    const resolveAgainAt = this.#source.reresolves ? Date.now() + this.#jwks.maxAgeMs : Infinity;
    const held: Held = { pool, id: this.#nextId++, resolveAgainAt };
    this.#held.set(read.key, held);
    for (const iss of read.issuers) this.#byIssuer.set(iss, held);
    for (const oldest of this.#held.values()) {
      if (this.#held.size <= this.#maxPools) break;
      this.#forget(oldest);
    }
    return held;
  }

  #named(pool: unknown): Held[] {
    return [...this.#held.values()].filter(
      (held) => held.pool.userPoolId === pool || held.pool.issuers.includes(pool as string),
    );
  }
}

import { VerifyError } from '../errors.js';
import type { VerifierEvents } from './events.js';
import type { FetchBudget } from './fetch-budget.js';
import { type KeyEntry, sameKey } from './jwk.js';
import { fetchJwks, type JwksFetchSettings } from './jwks-fetch.js';

export interface JwksSettings extends JwksFetchSettings {
  /** After a failed lookup (the kid is still unknown after a fetch), unknown kids do not refetch for this long. */
  penaltyMs: number;
  /** A key set older than this is refreshed by the next verification. */
  maxAgeMs: number;
  /** The preloaded keys are the only truth: nothing is ever fetched. */
  offline: boolean;
  /** Shared by the pools of a verifier with a pool resolver: every download takes from it. */
  budget?: FetchBudget;
  /** Told how each download went (the verifier's metrics listeners). */
  events?: VerifierEvents;
}

/** First retry after a failed fetch; each further failure doubles it, up to MAX_RETRY_MS. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
const NO_KEYS: ReadonlyMap<string, KeyEntry> = new Map();

/**
 * The keys of one JWKS URI. Preloaded keys seed the set; once the endpoint answers, its set replaces
 * them (offline: the preloaded set stays the only one). A set older than maxAgeMs is refreshed by the
 * next verification; a failed fetch keeps the old set and is retried with back-off. An unknown kid
 * refetches at once, but after a lookup that still misses, unknown kids wait out the penalty window.
 * Fetches are single-flight. `drop()` and a set given by the caller start a new generation: a fetch
 * that began before them is discarded when it answers, so it cannot bring back a key the caller removed.
 */
export class JwksStore {
  readonly uri: string;
  private readonly settings: JwksSettings;
  /** Called when a new set drops or changes a key, so results verified with it can be forgotten. */
  private readonly onKeysRevoked: () => void;
  private keys: ReadonlyMap<string, KeyEntry> = NO_KEYS;
  private loaded = false;
  /** Verifications at or after this time refresh the set first. Infinity while none is loaded or offline. */
  staleAt = Infinity;
  private inflight: Promise<void> | undefined;
  /** Bumped by drop() and by a set the caller gives: a fetch from an older generation is discarded. */
  private generation = 0;
  private failures = 0;
  private retryAt = -Infinity;
  private penaltyUntil = -Infinity;
  private lastError: VerifyError | undefined;

  constructor(
    uri: string,
    settings: JwksSettings,
    preloaded: Map<string, KeyEntry> | undefined,
    onKeysRevoked: () => void,
  ) {
    this.uri = uri;
    this.settings = settings;
    this.onKeysRevoked = onKeysRevoked;
    if (preloaded !== undefined) this.install(preloaded, Date.now());
  }

  /** The key for `kid` if it is in memory. */
  find(kid: string): KeyEntry | undefined {
    return this.keys.get(kid);
  }

  /** Swaps in a key set the caller gives (cacheJwks), loaded at `now`; a fetch in flight is discarded. */
  replace(keys: Map<string, KeyEntry>, now: number): void {
    this.nextGeneration();
    this.install(keys, now);
  }

  /** Forgets every key and every back-off, so the next verification fetches anew. */
  drop(): void {
    this.nextGeneration();
    this.keys = NO_KEYS;
    this.loaded = false;
    this.staleAt = Infinity;
    this.failures = 0;
    this.retryAt = -Infinity;
    this.penaltyUntil = -Infinity;
    this.lastError = undefined;
    this.onKeysRevoked();
  }

  private nextGeneration(): void {
    this.generation += 1;
    // The next refresh starts its own fetch instead of joining the discarded one.
    this.inflight = undefined;
  }

  private install(keys: Map<string, KeyEntry>, now: number): void {
    const old = this.keys;
    this.keys = keys;
    this.loaded = true;
    this.staleAt = this.settings.offline ? Infinity : now + this.settings.maxAgeMs;
    for (const [kid, entry] of old) {
      const next = keys.get(kid);
      if (next === undefined || !sameKey(entry, next)) {
        this.onKeysRevoked();
        return;
      }
    }
  }

  /** The error for a kid that is not in memory and will not be fetched now. */
  missing(kid: string): VerifyError {
    if (!this.loaded) {
      return new VerifyError(
        'JWKS_UNAVAILABLE',
        this.lastError?.message ?? `JWKS ${this.uri} is not loaded yet: preload it or call hydrate() first`,
      );
    }
    return new VerifyError('KID_UNKNOWN', `no key in the JWKS for this token's kid (${safeKid(kid)})`);
  }

  /**
   * Fetch now, merged with a fetch already in flight. Rejects with JWKS_UNAVAILABLE. Offline: no-op.
   * A fetch discarded by drop() is made once more, so the caller waits for keys of the new generation;
   * one discarded by a set the caller gave is not (that set is the truth now).
   */
  async refresh(): Promise<void> {
    if (this.settings.offline) return;
    const generation = this.generation;
    await this.fetchShared();
    if (generation !== this.generation && !this.loaded) await this.fetchShared();
  }

  private fetchShared(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    const generation = this.generation;
    const current = () => generation === this.generation;
    const started = performance.now();
    const reported = (failed: boolean) =>
      this.settings.events?.jwksFetched(performance.now() - started, failed);
    const attempt = this.download().then(
      (fetched) => {
        reported(false);
        if (!current()) return;
        this.install(fetched, Date.now());
        this.failures = 0;
        this.retryAt = -Infinity;
        this.lastError = undefined;
      },
      (error: VerifyError) => {
        reported(true);
        if (current()) {
          this.failures += 1;
          this.retryAt = Date.now() + Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
          this.lastError = error;
        }
        throw error;
      },
    );
    const inflight = attempt.finally(() => {
      if (this.inflight === inflight) this.inflight = undefined;
    });
    this.inflight = inflight;
    return inflight;
  }

  /** The download, unless the verifier's download budget is used up. */
  private download(): Promise<Map<string, KeyEntry>> {
    const budget = this.settings.budget;
    if (budget === undefined || budget.take(Date.now())) return fetchJwks(this.uri, this.settings);
    const message = `JWKS fetch from ${this.uri} not made: the verifier's ${budget.limit} downloads per ${budget.windowMs / 1000} s are used up`;
    return Promise.reject(new VerifyError('JWKS_UNAVAILABLE', message));
  }

  /** Whether a fetch may start at `now` (one in flight can always be joined). */
  private mayFetch(now: number): boolean {
    return !this.settings.offline && (this.inflight !== undefined || now >= this.retryAt);
  }

  /** For verifySync, which cannot wait: past the max age, start a refresh and keep using the current set. */
  refreshInBackground(now: number): void {
    if (now >= this.staleAt && this.inflight === undefined && this.mayFetch(now)) {
      this.refresh().catch(() => {});
    }
  }

  /**
   * Makes the set hold `kid` if it can: refreshes a stale set first, and fetches for an unknown kid if
   * allowed; throws when the kid is still missing. The caller then takes the key with find(), in the same
   * synchronous step that uses it, so a key dropped while this call waited is never used.
   */
  async load(kid: string, now: number): Promise<void> {
    let refreshed = false;
    if (now >= this.staleAt && this.mayFetch(now)) {
      // An outage must not lock everyone out: on failure the old set stays in use.
      refreshed = await this.refresh().then(
        () => true,
        () => false,
      );
    }
    if (this.keys.has(kid)) return;
    if (!refreshed) {
      if (!this.mayFetch(now) || now < this.penaltyUntil) throw this.missing(kid);
      await this.refresh();
      if (this.keys.has(kid)) return;
    }
    // A lookup that failed right after a fetch: the kid is not published, so unknown kids wait a while.
    this.penaltyUntil = Date.now() + this.settings.penaltyMs;
    throw this.missing(kid);
  }
}

function safeKid(kid: string): string {
  return /^[\w.:=+/-]{1,64}$/.test(kid) ? kid : 'unprintable';
}

import { VerifyError } from '../errors.js';
import { albKeyFromPem } from './alb-key.js';
import { FetchBudget } from './fetch-budget.js';
import type { KeyEntry } from './jwk.js';
import { FetchFailure, fetchCapped, type JwksFetchSettings } from './jwks-fetch.js';

export interface AlbKeySettings extends JwksFetchSettings {
  /** After a key id the endpoint does not know, key ids not in memory are not fetched for this long. */
  penaltyMs: number;
}

/** ALB keys kept in memory (a load balancer signs with one key at a time; rotations are rare). */
const MAX_KEYS = 16;
/** Key downloads for key ids not in memory, at most this many per window, whatever the tokens say. */
const FETCHES_PER_WINDOW = 10;
const FETCH_WINDOW_MS = 10_000;
/** After a failed download (not a missing key), the next waits 1 s, doubling up to 60 s. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;

/**
 * The public keys of ALB key endpoints, one PEM per key id at `<endpoint>/<kid>`: fetched once (a key id
 * never changes its key), single-flight, at most MAX_KEYS kept. A token can start a download only for a
 * key id of the ALB's shape (checked before), within the budget, and not during the penalty window that
 * follows a key id the endpoint does not know.
 */
export class AlbKeyStore {
  readonly #settings: AlbKeySettings;
  readonly #keys = new Map<string, KeyEntry>();
  readonly #inflight = new Map<string, Promise<KeyEntry>>();
  readonly #budget = new FetchBudget(FETCHES_PER_WINDOW, FETCH_WINDOW_MS);
  #penaltyUntil = -Infinity;
  #failures = 0;
  #retryAt = -Infinity;

  constructor(settings: AlbKeySettings) {
    this.#settings = settings;
  }

  /** The key of `kid` at `endpoint`, from memory or downloaded. Rejects with KID_UNKNOWN or JWKS_UNAVAILABLE. */
  key(endpoint: string, kid: string): KeyEntry | Promise<KeyEntry> {
    const url = `${endpoint}/${kid}`;
    const known = this.#keys.get(url);
    if (known !== undefined) return known;
    const inflight = this.#inflight.get(url);
    if (inflight !== undefined) return inflight;
    const now = Date.now();
    if (now < this.#penaltyUntil)
      return Promise.reject(
        new VerifyError('KID_UNKNOWN', 'no ALB key for this kid (not fetched: a recent kid was unknown)'),
      );
    if (now < this.#retryAt)
      return Promise.reject(
        new VerifyError('JWKS_UNAVAILABLE', `ALB key fetch from ${endpoint} is backing off after a failure`),
      );
    if (!this.#budget.take(now))
      return Promise.reject(
        new VerifyError(
          'JWKS_UNAVAILABLE',
          `ALB key fetch not made: ${FETCHES_PER_WINDOW} downloads per 10 s are used up`,
        ),
      );
    const download = this.#download(url, kid);
    this.#inflight.set(url, download);
    const done = () => this.#inflight.delete(url);
    download.then(done, done);
    return download;
  }

  async #download(url: string, kid: string): Promise<KeyEntry> {
    let body: Uint8Array;
    try {
      body = await fetchCapped(url, this.#settings, 'application/x-pem-file, text/plain, */*');
    } catch (error) {
      const status = error instanceof FetchFailure ? error.status : undefined;
      if (status === 403 || status === 404) {
        // S3 (GovCloud) answers 403 for a key that does not exist, the regional endpoint 404.
        this.#penaltyUntil = Date.now() + this.#settings.penaltyMs;
        throw new VerifyError('KID_UNKNOWN', `no ALB key for this kid at ${url}`, { cause: error });
      }
      this.#failed();
      const detail = error instanceof Error ? error.message : String(error);
      throw new VerifyError('JWKS_UNAVAILABLE', `ALB key fetch from ${url} failed: ${detail}`, {
        cause: error,
      });
    }
    const entry = albKeyFromPem(new TextDecoder().decode(body), kid);
    if (typeof entry === 'string') {
      this.#failed();
      throw new VerifyError('JWKS_UNAVAILABLE', `ALB key from ${url} ${entry}`);
    }
    this.#failures = 0;
    this.#retryAt = -Infinity;
    this.#keys.set(url, entry);
    for (const oldest of this.#keys.keys()) {
      if (this.#keys.size <= MAX_KEYS) break;
      this.#keys.delete(oldest);
    }
    return entry;
  }

  #failed(): void {
    this.#failures += 1;
    this.#retryAt = Date.now() + Math.min(FIRST_RETRY_MS * 2 ** (this.#failures - 1), MAX_RETRY_MS);
  }
}

/** Characters of the token (the end of its signature: 96 random bits) that index an entry. */
const KEY_CHARS = 16;

interface Entry<T> {
  readonly token: string;
  readonly value: T;
  readonly expiresAtMs: number;
}

/**
 * A bounded least-recently-used map of verified results, matched on the whole token. An entry carries
 * its own deadline (the token's `exp`) and is never returned at or after it.
 *
 * Entries are indexed by the token's last 16 characters rather than the whole string: V8 hashes a string
 * key in full, and each request brings a fresh 1 KB token string, so hashing the whole token would cost
 * more than the rest of the cache. A different token that happens to share those characters is simply a
 * miss (the whole token is compared) and never displaces the entry.
 */
export class ResultCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  readonly maxEntries: number;
  // get() then set() for the same token is the miss path: remember the key instead of slicing twice.
  private lastToken = '';
  private lastKey = '';

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  private keyOf(token: string): string {
    if (token !== this.lastToken) {
      this.lastToken = token;
      this.lastKey = token.length > KEY_CHARS ? token.slice(-KEY_CHARS) : token;
    }
    return this.lastKey;
  }

  /** `now` is only read on a hit: a miss, the common case under load, does not need the time. */
  get(token: string, now: () => number = Date.now): T | undefined {
    const key = this.keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    this.entries.delete(key);
    if (now() >= entry.expiresAtMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(token: string, value: T, expiresAtMs: number, nowMs: number): void {
    if (nowMs >= expiresAtMs) return;
    const entries = this.entries;
    entries.set(this.keyOf(token), { token, value, expiresAtMs });
    if (entries.size > this.maxEntries) {
      // Evict the least recently used sixteenth in one pass: one iterator per many inserts.
      let excess = entries.size - this.maxEntries + (this.maxEntries >> 4);
      for (const key of entries.keys()) {
        if (excess-- <= 0) break;
        entries.delete(key);
      }
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

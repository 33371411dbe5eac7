/** Characters of the token (the end of its signature: random bits) folded into an entry's index. */
const KEY_CHARS = 7;

interface Entry<T> {
  readonly token: string;
  readonly value: T;
  readonly expiresAtMs: number;
}

/**
 * A bounded least-recently-used map of verified results, matched on the whole token. An entry carries
 * its own deadline (the token's `exp`) and is never returned at or after it.
 *
 * Entries are indexed by a small integer folded from the token's last 7 characters rather than by the
 * token: V8 hashes a string key in full, and each request brings a fresh 1 KB token string, so hashing
 * the whole token would cost more than the rest of the cache (and slicing a shorter string key still
 * allocates). A different token with the same index is simply a miss: the whole token is compared.
 */
export class ResultCache<T> {
  private readonly entries = new Map<number, Entry<T>>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  private keyOf(token: string): number {
    // Stays a small integer (no heap number) and is seeded with the length, so short keys differ too.
    let key = token.length;
    for (let i = Math.max(0, token.length - KEY_CHARS); i < token.length; i++) {
      key = (Math.imul(key, 61) + token.charCodeAt(i)) & 0x3fffffff;
    }
    return key;
  }

  get(token: string, nowMs: number): T | undefined {
    const key = this.keyOf(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    this.entries.delete(key);
    if (nowMs >= entry.expiresAtMs) return undefined;
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

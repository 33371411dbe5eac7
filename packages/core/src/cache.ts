/**
 * A bounded least-recently-used map of verified results. An entry carries its own deadline (the token's
 * `exp`) and is never returned at or after it.
 */
export class ResultCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAtMs: number }>();
  readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, nowMs: number): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (nowMs >= entry.expiresAtMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, expiresAtMs: number, nowMs: number): void {
    if (nowMs >= expiresAtMs) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

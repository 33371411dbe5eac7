/**
 * The handler's memo layer: small maps that forget everything when full, and a claims memo that turns
 * itself down when claims objects do not come back (result cache off, or always-new tokens).
 */

/** Entries a memo map holds before it is cleared (API Gateway sends a handful of ARNs and route keys). */
export const MEMO_LIMIT = 1024;
/** Lookups per window of the claims memo's hit-rate check. */
export const MEMO_WINDOW = 1024;
/** Below 1 hit in this many lookups per window, the claims memo only samples new objects. */
export const MIN_HIT_RATIO = 32;
/** While sampling, one new claims object in this many is memoized, so returning ones show up as hits. */
export const SAMPLE_EVERY = 16;

/** `map.set`, clearing the map first when it holds MEMO_LIMIT entries. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MEMO_LIMIT) map.clear();
  map.set(key, value);
  return value;
}

/**
 * Values derived from a frozen claims object, keyed by identity: the verifier's result cache hands back
 * the same frozen object for a repeated token. An entry costs more than deriving (an identity hash, an
 * ephemeron for the GC), so while fewer than 1 in MIN_HIT_RATIO lookups of the last window hit, only
 * every SAMPLE_EVERY-th new object is memoized.
 */
export class ClaimsMemo<V> {
  readonly #values = new WeakMap<object, V>();
  #lookups = 0;
  #hits = 0;
  #memoizeAll = true;
  #sampled = 0;

  get(claims: object, derive: () => V): V {
    if (++this.#lookups === MEMO_WINDOW) {
      this.#memoizeAll = this.#hits * MIN_HIT_RATIO >= MEMO_WINDOW;
      this.#lookups = 0;
      this.#hits = 0;
    }
    let value = this.#values.get(claims);
    if (value !== undefined) {
      this.#hits++;
      return value;
    }
    value = derive();
    // Only frozen claims (what createCognitoVerifier returns) cannot change under the memo.
    if ((this.#memoizeAll || ++this.#sampled % SAMPLE_EVERY === 0) && Object.isFrozen(claims))
      this.#values.set(claims, value);
    return value;
  }
}

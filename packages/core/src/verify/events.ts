/**
 * What a verifier reports about its own work, for metrics: JWKS downloads and result-cache hits. Internal:
 * the authorizer's metrics listen through `listenTo`; nothing is reported while no one listens, and a
 * listener never changes a verification (what it throws is swallowed).
 */

/** A listener of one verifier. */
export interface VerifierEvents {
  /** A JWKS download ended after `durationMs`; `failed`: it gave no key set (JWKS_UNAVAILABLE). */
  jwksFetched(durationMs: number, failed: boolean): void;
  /** A verification was answered from the result cache. */
  resultCacheHit(): void;
}

/** The listeners of one verifier (its pools' key sets report here too). */
export class VerifierTap implements VerifierEvents {
  #listeners: readonly VerifierEvents[] = [];

  add(listener: VerifierEvents): void {
    this.#listeners = [...this.#listeners, listener];
  }

  jwksFetched(durationMs: number, failed: boolean): void {
    for (const l of this.#listeners) {
      try {
        l.jwksFetched(durationMs, failed);
      } catch {
        // A failing listener must not change a verification.
      }
    }
  }

  resultCacheHit(): void {
    for (const l of this.#listeners) {
      try {
        l.resultCacheHit();
      } catch {
        // As above.
      }
    }
  }
}

const taps = new WeakMap<object, VerifierTap>();

/** Remembers the tap of a verifier cogauth made. */
export function registerTap(verifier: object, tap: VerifierTap): void {
  taps.set(verifier, tap);
}

/**
 * Adds `listener` to a verifier made by `createCognitoVerifier` (or from options); false for any other
 * object with a `verify` method, whose JWKS and cache cogauth cannot see.
 */
export function listenTo(verifier: object, listener: VerifierEvents): boolean {
  const tap = taps.get(verifier);
  if (tap === undefined) return false;
  tap.add(listener);
  return true;
}

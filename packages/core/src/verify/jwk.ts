import { VerifyError } from '../errors.js';
import type { Jwks } from '../types.js';
import { isRecord } from '../util/guards.js';
import { type AlgorithmSpec, algorithmSpec, MIN_RSA_BITS } from './algorithms.js';
import { ecPublicKey, type PublicKey, rsaPublicKey, samePublicKey } from './public-key.js';

/** A JWK imported once into the platform's public key (public-key.ts), ready for verifySignature. */
export interface UsableKey {
  readonly kid: string;
  readonly kty: 'RSA' | 'EC';
  readonly alg: string | undefined;
  readonly crv: string | undefined;
  readonly verifyKey: PublicKey;
}

/** A published key this verifier refuses to use (weak RSA, unknown kty, ...), kept so errors can say why. */
export interface RefusedKey {
  readonly kid: string;
  readonly refused: string;
}

export type KeyEntry = UsableKey | RefusedKey;

const EC_CURVES = new Set(['P-256', 'P-384', 'P-521']);
/** The refusal for members the platform cannot turn into a key. */
export const INVALID_KEY_MATERIAL = 'its key material is invalid';

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Imports one JWK or explains why it is unusable. Never throws. */
export function importJwk(jwk: Record<string, unknown>, kid: string): KeyEntry {
  const refuse = (refused: string): RefusedKey => ({ kid, refused });
  if (jwk.use !== undefined && jwk.use !== 'sig') return refuse('its "use" is not "sig"');
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return refuse('its "key_ops" does not include "verify"');
  }
  const kty = jwk.kty;
  let alg: AlgorithmSpec | undefined;
  if (jwk.alg !== undefined) {
    alg = algorithmSpec(jwk.alg);
    if (alg === undefined || alg.kty !== kty)
      return refuse('its "alg" is not an allowed algorithm for its kty');
  }
  try {
    if (kty === 'RSA') {
      if (!nonEmptyString(jwk.n) || !nonEmptyString(jwk.e)) return refuse('RSA key without n/e');
      // Only the public members are passed on, so a published private JWK can never become a signing key here.
      const { key, bits } = rsaPublicKey(jwk.n, jwk.e);
      if (bits < MIN_RSA_BITS) return refuse(`RSA key has ${bits} bits, fewer than ${MIN_RSA_BITS}`);
      return { kid, kty: 'RSA', alg: alg?.name, crv: undefined, verifyKey: key };
    }
    if (kty === 'EC') {
      const crv = jwk.crv;
      if (typeof crv !== 'string' || !EC_CURVES.has(crv)) return refuse('EC key on an unsupported curve');
      if (alg !== undefined && alg.crv !== crv) return refuse('its "alg" does not match its curve');
      if (!nonEmptyString(jwk.x) || !nonEmptyString(jwk.y)) return refuse('EC key without x/y');
      return { kid, kty: 'EC', alg: alg?.name, crv, verifyKey: ecPublicKey(crv, jwk.x, jwk.y) };
    }
  } catch {
    return refuse(INVALID_KEY_MATERIAL);
  }
  return refuse('its kty is not RSA or EC');
}

/**
 * Imports a whole JWKS. Keys without a kid are skipped (a token must name its key); for a duplicated
 * kid the first key wins. Throws a plain Error describing the problem if the document itself is not a JWKS.
 */
export function importJwks(jwks: unknown): Map<string, KeyEntry> {
  if (!isJwks(jwks)) throw new Error(NOT_A_JWKS);
  const entries = new Map<string, KeyEntry>();
  for (const jwk of jwks.keys) {
    if (!isRecord(jwk) || !nonEmptyString(jwk.kid) || entries.has(jwk.kid)) continue;
    entries.set(jwk.kid, importJwk(jwk, jwk.kid));
  }
  return entries;
}

/** Checks the token's header alg against the key. */
export function assertKeyFits(entry: KeyEntry, spec: AlgorithmSpec): asserts entry is UsableKey {
  if ('refused' in entry) throw keyRefused(entry.refused);
  if (
    entry.kty !== spec.kty ||
    (entry.alg !== undefined && entry.alg !== spec.name) ||
    entry.crv !== spec.crv
  ) {
    throw new VerifyError('ALG_NOT_ALLOWED', `token alg ${spec.name} does not match the key for its kid`);
  }
}

/** The error for a token whose kid names a key this verifier refuses to use, and why. */
export function keyRefused(reason: string): VerifyError {
  return new VerifyError('ALG_NOT_ALLOWED', `the JWKS key for this token's kid is refused: ${reason}`);
}

/** Whether two entries for one kid hold the same key (so results verified with the old one stay valid). */
export function sameKey(a: KeyEntry, b: KeyEntry): boolean {
  if ('refused' in a || 'refused' in b) return 'refused' in a && 'refused' in b && a.refused === b.refused;
  return a.alg === b.alg && samePublicKey(a.verifyKey, b.verifyKey);
}

/** A downloaded JWKS document, imported; JWKS_UNAVAILABLE naming `uri` when it is not one. */
export function jwksFromBody(uri: string, body: Uint8Array): Map<string, KeyEntry> {
  let document: unknown;
  try {
    document = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS from ${uri} is not valid JSON`);
  }
  try {
    return importJwks(document);
  } catch (error) {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS from ${uri} ${(error as Error).message}`);
  }
}

export const NOT_A_JWKS = 'is not a JWKS (an object with a "keys" array)';

export function isJwks(value: unknown): value is Jwks {
  return isRecord(value) && Array.isArray(value.keys);
}

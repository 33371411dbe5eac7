// Public keys and signature checks on Node, with node:crypto (the web build swaps in public-key.web.ts,
// which has the same exports; see scripts/bundle.mjs). Everything here is synchronous, so verifySync works.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { AlgorithmSpec } from './algorithms.js';

/** What `crypto.verify` takes: the KeyObject, or for EC the KeyObject with JOSE's raw r||s encoding. */
export type PublicKey = KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };

/** Whether verifySignature answers synchronously (a boolean): what verifySync needs. */
export const SYNC_SIGNATURES = true;

/**
 * An RSA public key from its JWK members and its modulus length in bits. Only the public members are
 * passed on, so a published private JWK can never become a signing key. Throws on invalid members.
 */
export function rsaPublicKey(n: string, e: string): { key: PublicKey; bits: number } {
  const key = createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' });
  return { key, bits: key.asymmetricKeyDetails?.modulusLength ?? 0 };
}

/** An EC public key on `crv` from its JWK members. Throws on invalid members (a point off the curve). */
export function ecPublicKey(crv: string, x: string, y: string): PublicKey {
  const key = createPublicKey({ key: { kty: 'EC', crv, x, y }, format: 'jwk' });
  return { key, dsaEncoding: 'ieee-p1363' };
}

function keyObject(key: PublicKey): KeyObject {
  return 'key' in key ? key.key : key;
}

/** Whether two keys hold the same key material. */
export function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  return keyObject(a).equals(keyObject(b));
}

/**
 * Whether `signature` over `data` verifies with `key` under `spec` (an EC signature is raw r||s, as in
 * JWS). Answers false, never throws, for anything that does not verify; a rejection (web build only)
 * means the key itself cannot be used.
 */
export function verifySignature(
  spec: AlgorithmSpec,
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
): boolean | Promise<boolean> {
  try {
    return verify(spec.hash, data, key, signature);
  } catch {
    return false;
  }
}

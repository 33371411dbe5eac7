// Public keys and signature checks on Web runtimes, with Web Crypto (the web build's twin of public-key.ts,
// same exports). importKey is asynchronous, but a JWKS is read synchronously (the `jwks` option,
// cacheJwks), so a key is checked here at once and imported into a CryptoKey on its first use, then kept.
import type { AlgorithmSpec } from './algorithms.js';
import { isBase64url } from './base64url.js';
import { base64urlBytes } from './bytes.web.js';

// The part of Web Crypto used here, typed locally: the project's lib is ES2023, without the DOM.
type ImportAlgorithm = { name: 'RSASSA-PKCS1-v1_5'; hash: string } | { name: 'ECDSA'; namedCurve: string };
type VerifyAlgorithm = { name: 'RSASSA-PKCS1-v1_5' } | { name: 'ECDSA'; hash: string };
interface Subtle {
  importKey(
    format: 'jwk',
    keyData: Readonly<Record<string, string>>,
    algorithm: ImportAlgorithm,
    extractable: false,
    keyUsages: ['verify'],
  ): Promise<object>;
  verify(algorithm: VerifyAlgorithm, key: object, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

function subtle(): Subtle {
  return (globalThis as unknown as { crypto: { subtle: Subtle } }).crypto.subtle;
}

/** A checked public JWK and its CryptoKeys, imported on first use. */
export interface PublicKey {
  /** The public members only (kty, n, e or kty, crv, x, y): a private JWK never becomes a signing key. */
  readonly jwk: Readonly<Record<string, string>>;
  /** An RSA CryptoKey is bound to one hash at import, so there is one import per hash (EC: one, under ''). */
  readonly imports: Map<string, Promise<object>>;
}

/** Whether verifySignature answers synchronously: never with Web Crypto, so verifySync is Node-only. */
export const SYNC_SIGNATURES = false;

const HASHES = new Map([
  ['sha256', 'SHA-256'],
  ['sha384', 'SHA-384'],
  ['sha512', 'SHA-512'],
]);
const EC_COORDINATE_BYTES = new Map([
  ['P-256', 32],
  ['P-384', 48],
  ['P-521', 66],
]);

/** The bytes of a JWK member, which must be canonical base64url. */
function memberBytes(value: string): Uint8Array {
  if (!isBase64url(value)) throw new Error('not base64url');
  return base64urlBytes(value);
}

/** The bit length of a big-endian unsigned integer. */
function bitLength(bytes: Uint8Array): number {
  let first = 0;
  while (first < bytes.length && bytes[first] === 0) first++;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes[first] as number));
}

/** An RSA public key from its JWK members and its modulus length in bits. Throws on invalid members. */
export function rsaPublicKey(n: string, e: string): { key: PublicKey; bits: number } {
  const bits = bitLength(memberBytes(n));
  if (bitLength(memberBytes(e)) === 0) throw new Error('zero exponent');
  return { key: { jwk: { kty: 'RSA', n, e }, imports: new Map() }, bits };
}

/** An EC public key on `crv` from its JWK members. Throws on invalid members; Web Crypto checks the point. */
export function ecPublicKey(crv: string, x: string, y: string): PublicKey {
  const size = EC_COORDINATE_BYTES.get(crv);
  if (size === undefined || memberBytes(x).length !== size || memberBytes(y).length !== size)
    throw new Error('coordinates of the wrong size');
  return { jwk: { kty: 'EC', crv, x, y }, imports: new Map() };
}

/** Whether two keys hold the same key material (the same public members). */
export function samePublicKey(a: PublicKey, b: PublicKey): boolean {
  const names = Object.keys(a.jwk);
  return names.length === Object.keys(b.jwk).length && names.every((name) => a.jwk[name] === b.jwk[name]);
}

/** Why Web Crypto would not import a key, as a refusal reason. */
function importRefusal(error: unknown): Error {
  const name = error instanceof Error ? error.name : '';
  return new Error(
    name === 'NotSupportedError'
      ? "this runtime's Web Crypto does not support it"
      : 'its key material is invalid',
  );
}

function imported(spec: AlgorithmSpec, key: PublicKey): Promise<object> {
  const slot = spec.kty === 'RSA' ? spec.hash : '';
  let pending = key.imports.get(slot);
  if (pending === undefined) {
    const algorithm: ImportAlgorithm =
      spec.kty === 'RSA'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: HASHES.get(spec.hash) as string }
        : { name: 'ECDSA', namedCurve: key.jwk.crv as string };
    pending = subtle()
      .importKey('jwk', key.jwk, algorithm, false, ['verify'])
      .catch((error: unknown) => {
        throw importRefusal(error);
      });
    key.imports.set(slot, pending);
  }
  return pending;
}

/**
 * Whether `signature` over `data` verifies with `key` under `spec` (an EC signature is raw r||s, in JWS
 * and in Web Crypto alike). Resolves false for anything that does not verify; rejects, with the reason
 * as its message, when the key itself cannot be used.
 */
export async function verifySignature(
  spec: AlgorithmSpec,
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const cryptoKey = await imported(spec, key);
  const algorithm: VerifyAlgorithm =
    spec.kty === 'RSA'
      ? { name: 'RSASSA-PKCS1-v1_5' }
      : { name: 'ECDSA', hash: HASHES.get(spec.hash) as string };
  try {
    return await subtle().verify(algorithm, cryptoKey, signature, data);
  } catch {
    return false;
  }
}

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
/**
 * Each curve's coordinate size in bytes, prime p and coefficient b (y² = x³ − 3x + b mod p; SEC 2, FIPS
 * 186-5): importKey is asynchronous, so a point is checked here, as node:crypto checks it at import, and a
 * preloaded key off its curve is a ConfigError on both builds.
 */
const CURVES = new Map([
  [
    'P-256',
    {
      bytes: 32,
      p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
      b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    },
  ],
  [
    'P-384',
    {
      bytes: 48,
      p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
      b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    },
  ],
  [
    'P-521',
    {
      bytes: 66,
      p: (1n << 521n) - 1n,
      b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    },
  ],
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

function bigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** An EC public key on `crv` from its JWK members. Throws on invalid members (a point off the curve). */
export function ecPublicKey(crv: string, x: string, y: string): PublicKey {
  const curve = CURVES.get(crv);
  const xBytes = memberBytes(x);
  const yBytes = memberBytes(y);
  if (curve === undefined || xBytes.length !== curve.bytes || yBytes.length !== curve.bytes)
    throw new Error('coordinates of the wrong size');
  const { p, b } = curve;
  const px = bigint(xBytes);
  const py = bigint(yBytes);
  if (px >= p || py >= p || (py * py - (px * px * px - 3n * px + b)) % p !== 0n)
    throw new Error('a point off the curve');
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

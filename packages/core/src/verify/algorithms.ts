/** What a JWS `alg` needs from its key. Only these six algorithms are ever accepted. */
export interface AlgorithmSpec {
  readonly name: JwsAlgorithm;
  /** node:crypto digest name for `crypto.verify`. */
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  readonly kty: 'RSA' | 'EC';
  /** EC only: the curve the key must be on. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521';
  /** EC only: length of the raw r||s signature in bytes. */
  readonly signatureBytes?: number;
}

export type JwsAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512';

/** Minimum RSA modulus length accepted for a verification key. */
export const MIN_RSA_BITS = 2048;

// A Map, not an object literal: `alg` comes from the token and must never hit Object.prototype.
const SPECS = new Map<string, AlgorithmSpec>([
  ['RS256', { name: 'RS256', hash: 'sha256', kty: 'RSA' }],
  ['RS384', { name: 'RS384', hash: 'sha384', kty: 'RSA' }],
  ['RS512', { name: 'RS512', hash: 'sha512', kty: 'RSA' }],
  ['ES256', { name: 'ES256', hash: 'sha256', kty: 'EC', crv: 'P-256', signatureBytes: 64 }],
  ['ES384', { name: 'ES384', hash: 'sha384', kty: 'EC', crv: 'P-384', signatureBytes: 96 }],
  ['ES512', { name: 'ES512', hash: 'sha512', kty: 'EC', crv: 'P-521', signatureBytes: 132 }],
]);

export function algorithmSpec(alg: unknown): AlgorithmSpec | undefined {
  return typeof alg === 'string' ? SPECS.get(alg) : undefined;
}

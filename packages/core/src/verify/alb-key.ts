/**
 * An ALB signing key as its endpoint serves it: a PEM `PUBLIC KEY` (SPKI) of a P-256 point. Read strictly
 * and turned into a JWK, so the key is imported the same way as a JWKS key (jwk.ts, the platform's import).
 */
import { importJwk, type KeyEntry } from './jwk.js';

const BEGIN = '-----BEGIN PUBLIC KEY-----';
const END = '-----END PUBLIC KEY-----';
/** Standard base64 lines of a PEM body (the endpoint's PEM wraps at 64 characters). */
const PEM_BODY = /^[A-Za-z0-9+/=\r\n]{1,4096}$/;
/**
 * The DER of SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 } up to the uncompressed point's 0x04:
 * every P-256 SPKI starts with these 27 bytes and ends with the 64 bytes of x and y.
 */
const P256_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
  0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
]);
const P256_SPKI_LENGTH = P256_SPKI_PREFIX.length + 64;

/** The key of `kid` from the endpoint's answer; a string saying why not when it is not a P-256 PEM. */
export function albKeyFromPem(pem: string, kid: string): KeyEntry | string {
  const text = pem.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) return 'is not a PEM public key';
  const body = text.slice(BEGIN.length, text.length - END.length);
  if (!PEM_BODY.test(body)) return 'is not a PEM public key';
  const der = Buffer.from(body.replace(/[\r\n]/g, ''), 'base64');
  if (der.length !== P256_SPKI_LENGTH || !P256_SPKI_PREFIX.every((byte, i) => der[i] === byte))
    return 'is not a P-256 public key';
  const point = der.subarray(P256_SPKI_PREFIX.length);
  const jwk = {
    kty: 'EC',
    crv: 'P-256',
    alg: 'ES256',
    use: 'sig',
    x: Buffer.from(point.subarray(0, 32)).toString('base64url'),
    y: Buffer.from(point.subarray(32)).toString('base64url'),
  };
  const entry = importJwk(jwk, kid);
  return 'refused' in entry ? `is not a usable key: ${entry.refused}` : entry;
}

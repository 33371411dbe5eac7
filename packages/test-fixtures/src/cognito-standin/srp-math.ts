import { createHash, createHmac, hkdfSync } from 'node:crypto';

// The server side of SRP-6a as Amazon Cognito runs it (read from amazon-cognito-identity-js'
// AuthenticationHelper, AWS's own client, and the developer guide's "Use SRP password verification"): the
// 3072-bit MODP group of RFC 3526 §4, g = 2, SHA-256, k = H(PAD(N) | PAD(g)), integers hashed as the bytes
// of Java's BigInteger.toByteArray() (shortest two's complement, so a leading 00 when the top bit is set),
// and the session key HKDF-SHA256(ikm = PAD(S), salt = PAD(u), info = "Caldera Derived Key"), 16 bytes.
// Users: x = H(PAD(salt) | H(poolName | username | ":" | password)). Devices: the same with the device
// group key in place of the pool name and the device key in place of the username.

const N_HEX = [
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD',
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED',
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F',
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B',
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510',
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7',
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C',
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF',
].join('');

export const SRP_N = BigInt(`0x${N_HEX}`);
export const SRP_G = 2n;

/** Java BigInteger.toByteArray() of a non-negative integer. */
export function javaBytes(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('javaBytes: negative value');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return (bytes[0] ?? 0) >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export function bigFrom(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

export const SRP_K = bigFrom(sha256(javaBytes(SRP_N), javaBytes(SRP_G)));

/** x for a user (group = pool name, id = username) or a device (group = device group key, id = device key). */
export function privateKey(group: string, id: string, secret: string, salt: bigint): bigint {
  const inner = sha256(Buffer.from(`${group}${id}:${secret}`, 'utf8'));
  return bigFrom(sha256(javaBytes(salt), inner));
}

export function verifierOf(x: bigint): bigint {
  return modPow(SRP_G, x, SRP_N);
}

/** B = k·v + g^b mod N. */
export function serverPublic(verifier: bigint, b: bigint): bigint {
  return (SRP_K * verifier + modPow(SRP_G, b, SRP_N)) % SRP_N;
}

/** u = H(PAD(A) | PAD(B)). */
export function scrambler(A: bigint, B: bigint): bigint {
  return bigFrom(sha256(javaBytes(A), javaBytes(B)));
}

/** The server's session key: S = (A · v^u)^b mod N, then HKDF as the client derives it. */
export function serverSessionKey(A: bigint, B: bigint, b: bigint, verifier: bigint): Buffer {
  const u = scrambler(A, B);
  if (u === 0n) throw new RangeError('SRP: u is 0');
  const S = modPow((A * modPow(verifier, u, SRP_N)) % SRP_N, b, SRP_N);
  return Buffer.from(hkdfSync('sha256', javaBytes(S), javaBytes(u), 'Caldera Derived Key', 16));
}

/** PASSWORD_CLAIM_SIGNATURE = HMAC-SHA256(key, group | id | SECRET_BLOCK bytes | TIMESTAMP). */
export function claimSignature(
  key: Buffer,
  group: string,
  id: string,
  secretBlock: Buffer,
  timestamp: string,
): Buffer {
  return createHmac('sha256', key)
    .update(Buffer.from(group, 'utf8'))
    .update(Buffer.from(id, 'utf8'))
    .update(secretBlock)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

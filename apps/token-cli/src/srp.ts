import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

// SRP-6a as Amazon Cognito runs it: the 3072-bit group of RFC 5054 / RFC 3526, g = 2, SHA-256,
// integers hashed in Java BigInteger.toByteArray() form (see padHex).
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;
export const k = hexToBigInt(sha256Hex(Buffer.from(padHex(N) + padHex(g), 'hex')));

const DERIVED_KEY_INFO = Buffer.from('Caldera Derived Key', 'utf8');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Hex of a non-negative integer as Java's BigInteger.toByteArray(): even length, a leading 00 if the top bit is set. */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError('padHex: negative value');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function hexToBigInt(hex: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new RangeError('not a hex string');
  return BigInt(`0x${hex}`);
}

export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** `Tue Nov 4 09:03:07 UTC 2025`: Cognito's TIMESTAMP, day of month not padded. */
export function cognitoTimestamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ` +
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`
  );
}

/** The part of the pool id after the underscore, which Cognito mixes into x and the signature. */
export function poolNameOf(userPoolId: string): string {
  const name = userPoolId.split('_')[1];
  if (!name) throw new RangeError(`user pool id "${userPoolId}" has no "_" (expected e.g. us-east-1_AbC123)`);
  return name;
}

/** HKDF-SHA256(ikm = S, salt = u, info = "Caldera Derived Key"), first 16 bytes. */
export function derivePasswordKey(S: bigint, u: bigint): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(padHex(S), 'hex'), Buffer.from(padHex(u), 'hex'), DERIVED_KEY_INFO, 16),
  );
}

/** u = H(PAD(A) | PAD(B)). */
export function scramblingParameter(A: bigint, B: bigint): bigint {
  return hexToBigInt(sha256Hex(Buffer.from(padHex(A) + padHex(B), 'hex')));
}

/** x = H(PAD(salt) | H(poolName | username | ":" | password)). */
export function privateKeyX(poolName: string, username: string, password: string, salt: bigint): bigint {
  const inner = sha256Hex(`${poolName}${username}:${password}`);
  return hexToBigInt(sha256Hex(Buffer.from(padHex(salt) + inner, 'hex')));
}

/** PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | username | secretBlock | timestamp)). */
export function claimSignature(
  key: Buffer,
  poolName: string,
  username: string,
  secretBlock: string,
  timestamp: string,
): string {
  return createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(username, 'utf8'),
        Buffer.from(secretBlock, 'base64'),
        Buffer.from(timestamp, 'utf8'),
      ]),
    )
    .digest('base64');
}

export interface PasswordVerifierInput {
  /** USER_ID_FOR_SRP from the challenge: the real username, even when the user logged in with an alias. */
  userIdForSrp: string;
  password: string;
  /** SALT, SRP_B (hex) and SECRET_BLOCK (base64) from the PASSWORD_VERIFIER challenge. */
  salt: string;
  srpB: string;
  secretBlock: string;
  now?: Date;
}

export interface PasswordVerifierResponse {
  timestamp: string;
  signature: string;
}

/**
 * The client side of one SRP exchange. `a` is random unless injected (tests). A device signs in with the
 * same exchange, its device group key in place of the pool name and its device key in place of the
 * username (DEVICE_SRP_AUTH): `SrpSession.forDevice`.
 */
export class SrpSession {
  readonly poolName: string;
  readonly #a: bigint;
  readonly A: bigint;

  static forDevice(deviceGroupKey: string, a?: bigint): SrpSession {
    return new SrpSession('', a, deviceGroupKey);
  }

  constructor(userPoolId: string, a?: bigint, deviceGroupKey?: string) {
    this.poolName = deviceGroupKey ?? poolNameOf(userPoolId);
    this.#a = a ?? hexToBigInt(randomBytes(128).toString('hex'));
    this.A = modPow(g, this.#a, N);
    if (this.A % N === 0n) throw new RangeError('SRP: A mod N is 0');
  }

  /** SRP_A as Cognito expects it: plain lower-case hex. */
  get srpA(): string {
    return this.A.toString(16);
  }

  passwordKey(userIdForSrp: string, password: string, salt: bigint, B: bigint): Buffer {
    if (B % N === 0n) throw new RangeError('SRP: the server sent B = 0 mod N');
    const u = scramblingParameter(this.A, B);
    if (u === 0n) throw new RangeError('SRP: u is 0');
    const x = privateKeyX(this.poolName, userIdForSrp, password, salt);
    const S = modPow(B - k * modPow(g, x, N), this.#a + u * x, N);
    return derivePasswordKey(S, u);
  }

  respond(input: PasswordVerifierInput): PasswordVerifierResponse {
    const key = this.passwordKey(
      input.userIdForSrp,
      input.password,
      hexToBigInt(input.salt),
      hexToBigInt(input.srpB),
    );
    const timestamp = cognitoTimestamp(input.now ?? new Date());
    return {
      timestamp,
      signature: claimSignature(key, this.poolName, input.userIdForSrp, input.secretBlock, timestamp),
    };
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';

// TOTP as authenticator apps and Cognito run it: RFC 6238 (HOTP of RFC 4226 over 30-second steps from the
// Unix epoch), HMAC-SHA1, 6 digits. AssociateSoftwareToken's SecretCode is the shared secret in RFC 4648
// base32 without padding.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Upper- or lower-case base32, `=` padding and spaces ignored; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text.toUpperCase()) {
    if (ch === '=' || ch === ' ') continue;
    const value = ALPHABET.indexOf(ch);
    if (value < 0) throw new RangeError('not base32');
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 HOTP: dynamic truncation of HMAC-SHA1(secret, counter as 8 bytes). */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const totpStep = (timeMs: number): number => Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS);

/** The code an authenticator app shows at `timeMs` for a base32 secret (tests use it to answer challenges). */
export function totpCode(secretBase32: string, timeMs: number, digits = TOTP_DIGITS): string {
  return hotp(base32Decode(secretBase32), totpStep(timeMs), digits);
}

/**
 * The step a code matches, trying the current step and one on either side (clock drift between phone and
 * server), or undefined. A code that is not exactly six digits never matches.
 */
export function matchTotp(secret: Uint8Array, code: string, timeMs: number): number | undefined {
  if (code.length !== TOTP_DIGITS) return undefined;
  for (const ch of code) if (ch < '0' || ch > '9') return undefined;
  const now = totpStep(timeMs);
  const given = Buffer.from(code);
  for (const step of [now, now - 1, now + 1]) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), given)) return step;
  }
  return undefined;
}

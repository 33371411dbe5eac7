// Token bytes on Node: Buffer's native base64url and UTF-8 (the web build swaps in bytes.web.ts, which has
// the same exports; see scripts/bundle.mjs). Buffer's base64url decoder is lenient: it stops at or skips
// anything outside its alphabet and reads '+' and '/' as well, so callers check the alphabet and the decoded
// length themselves (jwt.ts).

/** The bytes of a base64url string; fewer than its length promises when it holds other characters. */
export function base64urlBytes(segment: string): Uint8Array {
  return Buffer.from(segment, 'base64url');
}

/** `text` as UTF-8. */
export function utf8Bytes(text: string): Uint8Array {
  return Buffer.from(text);
}

/** UTF-8 bytes as text (invalid sequences become U+FFFD). */
export function utf8Text(bytes: Uint8Array): string {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('utf8');
}

/** Whether every UTF-16 code unit of `text` is ASCII (so its UTF-8 form is exactly as long). */
export function isAscii(text: string): boolean {
  return Buffer.byteLength(text) === text.length;
}

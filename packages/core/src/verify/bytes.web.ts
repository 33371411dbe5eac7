// Token bytes on Web runtimes (the web build's twin of bytes.ts, same exports): no Buffer there. The base64url
// decoder reads only the base64url alphabet and stops at the first other character, so, as with Buffer's,
// a segment holding one decodes to fewer bytes than its length promises, which jwt.ts checks.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Sextet of each ASCII code, -1 outside the alphabet. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of a base64url string; fewer than its length promises when it holds other characters. */
export function base64urlBytes(segment: string): Uint8Array {
  const out = new Uint8Array((segment.length * 3) >>> 2);
  let bits = 0;
  let pending = 0;
  let length = 0;
  for (let i = 0; i < segment.length; i++) {
    const code = segment.charCodeAt(i);
    const sextet = code < 128 ? (SEXTETS[code] as number) : -1;
    if (sextet < 0) break;
    pending = ((pending << 6) | sextet) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (pending >>> bits) & 0xff;
    }
  }
  return length === out.length ? out : out.subarray(0, length);
}

/** `text` as UTF-8. */
export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 bytes as text (invalid sequences become U+FFFD). */
export function utf8Text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Whether every UTF-16 code unit of `text` is ASCII (so its UTF-8 form is exactly as long). */
export function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

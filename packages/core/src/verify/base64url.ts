// Strict base64url (RFC 7515 §2): alphabet [A-Za-z0-9_-], no padding, no whitespace, and canonical
// trailing bits. Buffer's own decoder is lenient (it accepts '+', '/', '=', skips junk), so every segment
// is checked here before it is decoded; otherwise many distinct strings would decode to the same bytes.

const SEGMENT = /^[\w-]+$/;

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_' (alphabet already checked)
}

/** Length and trailing-bit rules for a segment already known to use only the base64url alphabet. */
export function isCanonicalLength(segment: string): boolean {
  const rest = segment.length & 3;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = sextet(segment.charCodeAt(segment.length - 1));
  return rest === 2 ? (last & 0x0f) === 0 : (last & 0x03) === 0;
}

export function isBase64url(segment: string): boolean {
  return SEGMENT.test(segment) && isCanonicalLength(segment);
}

/** Bytes encoded by an unpadded base64url string of `length` characters (length % 4 !== 1). */
export function decodedLength(length: number): number {
  return (length * 3) >>> 2;
}

import { isRecord } from '../util/guards.js';

/** Longest header value we look at; Cognito tokens with many groups stay far below. */
const MAX_HEADER_LENGTH = 16384;

export type BearerResult = { token: string } | { error: 'TOKEN_MISSING' | 'BEARER_MALFORMED' };

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

const BEARER = 'bearer';

/** Case-insensitive `bearer` at `at`, compared by char code to avoid allocating. */
function isBearer(value: string, at: number): boolean {
  for (let i = 0; i < 6; i++) if ((value.charCodeAt(at + i) | 0x20) !== BEARER.charCodeAt(i)) return false;
  return true;
}

/**
 * Extracts the token from an `Authorization` value `Bearer <jwt>`. The scheme is case-insensitive; spaces
 * and tabs around the value and between scheme and token are tolerated. No scheme, another scheme, or a
 * second word is BEARER_MALFORMED. Everything else about the token (exactly three base64url segments,
 * no other character) is left to the verifier's strict parser, which answers TOKEN_MALFORMED.
 */
export function parseBearer(value: unknown): BearerResult {
  if (value === undefined || value === null || value === '') return { error: 'TOKEN_MISSING' };
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return { error: 'BEARER_MALFORMED' };
  let start = 0;
  let end = value.length;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--;
  if (end - start < 7 || !isBearer(value, start)) return { error: 'BEARER_MALFORMED' };
  let at = start + 6;
  if (!isBlank(value.charCodeAt(at))) return { error: 'BEARER_MALFORMED' };
  while (at < end && isBlank(value.charCodeAt(at))) at++;
  const token = value.slice(at, end);
  // The token's own syntax (three base64url segments) is checked by the verifier; scanning it here too
  // would double the cost of the one pass over ~1-4 KB.
  if (token.indexOf(' ') >= 0 || token.indexOf('\t') >= 0) return { error: 'BEARER_MALFORMED' };
  return { token };
}

const AMBIGUOUS = 'ambiguous';

/**
 * The `Authorization` value from `headers` and `multiValueHeaders`, any case. Several different values
 * are refused (returned as a value that will not parse as a bearer token).
 */
export function authorizationHeader(headers: unknown, multi: unknown): unknown {
  const found = new Set<unknown>();
  if (isRecord(headers)) {
    for (const k in headers) if (k.toLowerCase() === 'authorization') found.add(headers[k]);
  }
  if (isRecord(multi)) {
    for (const k in multi) {
      if (k.toLowerCase() !== 'authorization') continue;
      const values = multi[k];
      if (Array.isArray(values)) for (const v of values) found.add(v);
      else found.add(AMBIGUOUS);
    }
  }
  if (found.size === 0) return undefined;
  if (found.size > 1) return AMBIGUOUS;
  return found.values().next().value;
}

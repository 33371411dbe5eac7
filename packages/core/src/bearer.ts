/** Longest header value we look at; Cognito tokens with many groups stay far below. */
const MAX_HEADER_LENGTH = 16384;
// Case-insensitive scheme spelled out: the `i` flag would slow the scan of the whole token.
const BEARER = /^[ \t]*[Bb][Ee][Aa][Rr][Ee][Rr][ \t]+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)[ \t]*$/;

export type BearerResult = { token: string } | { error: 'TOKEN_MISSING' | 'BEARER_MALFORMED' };

/**
 * Extracts the JWT from an `Authorization` value `Bearer <jwt>`. The scheme is case-insensitive and
 * spaces/tabs around the value and between scheme and token are tolerated; anything else (no scheme,
 * another scheme, two tokens, a token that is not three base64url parts) is malformed.
 */
export function parseBearer(value: unknown): BearerResult {
  if (value === undefined || value === null || value === '') return { error: 'TOKEN_MISSING' };
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return { error: 'BEARER_MALFORMED' };
  const m = BEARER.exec(value);
  return m ? { token: m[1] as string } : { error: 'BEARER_MALFORMED' };
}

import type { AuthResult } from '../adapters/authenticator.js';
import { VERIFY_ERROR_CODES } from '../errors.js';
import type { DecisionReason } from '../pipeline/decision-log.js';

/** The HTTP answer to a refused request: the status, headers and a body that says nothing more. */
export interface HttpRefusal {
  readonly status: 401 | 403;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** 401s about the token itself; the others (no token, JWKS or server trouble) name no error. */
function invalidToken(reason: DecisionReason): boolean {
  return (
    reason === 'BEARER_MALFORMED' ||
    (reason !== 'JWKS_UNAVAILABLE' && (VERIFY_ERROR_CODES as readonly string[]).includes(reason))
  );
}

/**
 * 401 with `WWW-Authenticate: Bearer` (`error="invalid_token"` when the token was refused, RFC 6750) or
 * 403 with `error="insufficient_scope"`; the body is `{"message":"Unauthorized"}` or
 * `{"message":"Forbidden"}` whatever the reason, which goes to the decision log only.
 */
export function refusalOf(result: AuthResult): HttpRefusal {
  const forbidden = result.status === 403;
  const challenge = forbidden
    ? 'Bearer error="insufficient_scope"'
    : invalidToken(result.reason)
      ? 'Bearer error="invalid_token"'
      : 'Bearer';
  return {
    status: forbidden ? 403 : 401,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'www-authenticate': challenge,
    },
    body: forbidden ? '{"message":"Forbidden"}' : '{"message":"Unauthorized"}',
  };
}

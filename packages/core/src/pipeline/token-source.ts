/**
 * Where an authenticator takes the token from: `Authorization: Bearer <jwt>` for a Cognito verifier, the
 * raw `x-amzn-oidc-data` header (no scheme) for an ALB verifier. A verifier is asked for one and only one.
 */
import type { BearerResult } from '../decide/bearer.js';
import type { AlbVerifier } from '../types.js';
import { isRecord } from '../util/guards.js';

/** The header an ALB puts the signed user claims in. */
export const OIDC_DATA_HEADER = 'x-amzn-oidc-data';
/** The longest header value looked at, as for `Authorization`. */
const MAX_HEADER_LENGTH = 16384;

/** Whether `verifier` is an ALB verifier (`createAlbVerifier`), which reads `x-amzn-oidc-data`. */
export function isAlbVerifier(verifier: unknown): verifier is AlbVerifier {
  return (
    isRecord(verifier) && verifier.tokenHeader === OIDC_DATA_HEADER && typeof verifier.verify === 'function'
  );
}

/** The token in an `x-amzn-oidc-data` value: the whole value, which the ALB verifier parses strictly. */
export function oidcDataToken(value: unknown): BearerResult {
  if (value === undefined || value === null || value === '') return { error: 'TOKEN_MISSING' };
  // Several values (a repeated header) or an oversized one: not something a load balancer sent.
  if (typeof value !== 'string' || value.length > MAX_HEADER_LENGTH) return { error: 'BEARER_MALFORMED' };
  return { token: value };
}

const AMBIGUOUS = ['ambiguous'];

/**
 * The value of header `name` (lower case) in Lambda event `headers` and `multiValueHeaders`, any case;
 * several different values give an array (refused by `oidcDataToken`).
 */
export function eventHeader(headers: unknown, multi: unknown, name: string): unknown {
  const found = new Set<unknown>();
  if (isRecord(headers)) for (const k in headers) if (k.toLowerCase() === name) found.add(headers[k]);
  if (isRecord(multi)) {
    for (const k in multi) {
      if (k.toLowerCase() !== name) continue;
      const values = multi[k];
      if (Array.isArray(values)) for (const v of values) found.add(v);
      else found.add(AMBIGUOUS);
    }
  }
  if (found.size === 0) return undefined;
  return found.size === 1 ? found.values().next().value : AMBIGUOUS;
}

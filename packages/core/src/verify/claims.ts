import { VerifyError } from '../errors.js';
import type { CognitoClaims } from '../types.js';

/** The claim rules of one pool, normalised from CognitoVerifierOptions. */
export interface ClaimRules {
  readonly tokenUse: 'access' | 'id' | null;
  /** A short list: `includes` compares strings, where a Set would hash each token's fresh copy. */
  readonly clientIds: readonly string[] | null;
  readonly groups: readonly string[] | null;
  readonly scopes: readonly string[] | null;
  /** Resource-server audiences, checked against an access token's `aud`. */
  readonly audience: readonly string[] | null;
  readonly graceSeconds: number;
}

/**
 * Clock skew: `iat` and `nbf` may lie up to this many seconds in the future (or graceSeconds, if larger),
 * so a Lambda whose clock lags Cognito's still accepts a token issued just now; later ones are refused.
 * `exp` gets no such tolerance, only graceSeconds.
 */
export const CLOCK_SKEW_SECONDS = 60;

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

function numericDate(payload: Record<string, unknown>, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const value = payload[name];
  if (value === undefined && name !== 'exp') return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new VerifyError(
      'CLAIM_INVALID',
      `${name} claim ${value === undefined ? 'is missing' : 'is not a number'}`,
    );
  }
  return value;
}

/** Any-of: an access token's `aud` names at least one allowed resource server. `aud` is already checked. */
function audienceMatches(aud: string | string[] | undefined, allowed: readonly string[]): boolean {
  if (typeof aud === 'string') return allowed.includes(aud);
  return (aud ?? []).some((a) => allowed.includes(a));
}

/**
 * All-of: an ID token's `aud` names allowed clients only (OpenID Connect Core §3.1.3.7: refuse an ID token
 * that lists the client, or not, next to audiences the client does not trust).
 */
function onlyAllowedClients(aud: string | string[] | undefined, allowed: readonly string[]): boolean {
  if (typeof aud === 'string') return allowed.includes(aud);
  return aud !== undefined && aud.length > 0 && aud.every((a) => allowed.includes(a));
}

/** Claims that identify a token (deny lists key on them): strings when present. */
const TOKEN_IDS = ['jti', 'origin_jti'];

function checkTokenIds(payload: Record<string, unknown>): void {
  for (const name of TOKEN_IDS) {
    const id = payload[name];
    if (id !== undefined && typeof id !== 'string')
      throw new VerifyError('CLAIM_INVALID', `${name} claim is not a string`);
  }
}

/** `aud`, when present: a string or an array of strings (RFC 7519 §4.1.3). */
function audienceOf(payload: Record<string, unknown>): string | string[] | undefined {
  const aud = payload.aud;
  if (aud === undefined || typeof aud === 'string' || isStringArray(aud)) return aud;
  throw new VerifyError('CLAIM_INVALID', 'aud claim is not a string or an array of strings');
}

/** `exp` (with the grace), then `nbf` and `iat` (not further ahead than the clock skew or the grace). */
function checkTimes(payload: Record<string, unknown>, grace: number, nowSeconds: number): void {
  const exp = numericDate(payload, 'exp') as number;
  if (nowSeconds >= exp + grace) throw new VerifyError('TOKEN_EXPIRED', 'token has expired');
  const latest = nowSeconds + Math.max(grace, CLOCK_SKEW_SECONDS);
  const nbf = numericDate(payload, 'nbf');
  if (nbf !== undefined && nbf > latest)
    throw new VerifyError('TOKEN_NOT_YET_VALID', 'token is not valid yet (nbf)');
  const iat = numericDate(payload, 'iat');
  if (iat !== undefined && iat > latest) {
    throw new VerifyError('TOKEN_NOT_YET_VALID', 'token was issued in the future (iat)');
  }
}

/** `token_use`, the app client (`client_id` or every `aud` of an ID token), then the resource audience. */
function checkClient(
  payload: Record<string, unknown>,
  aud: string | string[] | undefined,
  rules: ClaimRules,
): void {
  const tokenUse = payload.token_use;
  if (tokenUse !== 'access' && tokenUse !== 'id') {
    throw new VerifyError('TOKEN_USE_INVALID', 'token_use claim is missing or not "access" or "id"');
  }
  if (rules.tokenUse !== null && tokenUse !== rules.tokenUse) {
    throw new VerifyError('TOKEN_USE_INVALID', `token_use is not "${rules.tokenUse}"`);
  }
  if (rules.clientIds !== null) {
    const ok =
      tokenUse === 'access'
        ? typeof payload.client_id === 'string' && rules.clientIds.includes(payload.client_id)
        : onlyAllowedClients(aud, rules.clientIds);
    if (!ok) {
      throw new VerifyError(
        'AUDIENCE_INVALID',
        tokenUse === 'access'
          ? 'client_id is not an allowed client'
          : 'aud names a client that is not allowed',
      );
    }
  }
  if (rules.audience !== null && tokenUse === 'access' && !audienceMatches(aud, rules.audience)) {
    throw new VerifyError(
      'AUDIENCE_INVALID',
      aud === undefined ? 'access token has no aud' : 'aud is not an allowed audience',
    );
  }
}

/** `cognito:groups` and `scope`: their shapes, and any-of on the required groups and scopes. */
function checkGroupsAndScopes(payload: Record<string, unknown>, rules: ClaimRules): void {
  const groups = payload['cognito:groups'];
  if (groups !== undefined && !isStringArray(groups)) {
    throw new VerifyError('CLAIM_INVALID', 'cognito:groups claim is not an array of strings');
  }
  if (rules.groups !== null && !(groups !== undefined && rules.groups.some((g) => groups.includes(g)))) {
    throw new VerifyError('GROUP_NOT_ALLOWED', 'token is in none of the required groups');
  }
  const scope = payload.scope;
  if (scope !== undefined && typeof scope !== 'string')
    throw new VerifyError('CLAIM_INVALID', 'scope claim is not a string');
  if (rules.scopes !== null) {
    const granted = scope === undefined ? [] : scope.split(' ');
    if (!rules.scopes.some((s) => granted.includes(s))) {
      throw new VerifyError('SCOPE_NOT_ALLOWED', 'token has none of the required scopes');
    }
  }
}

/**
 * Checks the claims of a token whose signature and issuer are already verified. `nowSeconds` is the
 * current time in (fractional) seconds since the epoch. Error messages never repeat claim values.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  rules: ClaimRules,
  nowSeconds: number,
): asserts payload is CognitoClaims {
  checkTimes(payload, rules.graceSeconds, nowSeconds);
  if (typeof payload.sub !== 'string')
    throw new VerifyError('CLAIM_INVALID', 'sub claim is missing or not a string');
  checkTokenIds(payload);
  checkClient(payload, audienceOf(payload), rules);
  checkGroupsAndScopes(payload, rules);
}

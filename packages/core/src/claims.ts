import { VerifyError } from './errors.js';
import type { CognitoClaims } from './types.js';

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
 * How far in the future `iat` and `nbf` may lie (or graceSeconds, if larger): a Lambda whose clock lags
 * Cognito's by a few seconds must still accept a token issued just now. `exp` gets no such tolerance.
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

function audienceMatches(aud: unknown, allowed: readonly string[]): boolean {
  if (typeof aud === 'string') return allowed.includes(aud);
  if (isStringArray(aud)) return aud.some((a) => allowed.includes(a));
  return false;
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
  const grace = rules.graceSeconds;
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
  if (typeof payload.sub !== 'string')
    throw new VerifyError('CLAIM_INVALID', 'sub claim is missing or not a string');

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
        : audienceMatches(payload.aud, rules.clientIds);
    if (!ok) {
      throw new VerifyError(
        'AUDIENCE_INVALID',
        tokenUse === 'access' ? 'client_id is not an allowed client' : 'aud is not an allowed client',
      );
    }
  }

  if (rules.audience !== null && tokenUse === 'access' && !audienceMatches(payload.aud, rules.audience)) {
    throw new VerifyError(
      'AUDIENCE_INVALID',
      payload.aud === undefined ? 'access token has no aud' : 'aud is not an allowed audience',
    );
  }

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

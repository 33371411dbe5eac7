import { type CognitoVerifierOptions, decodeJwt } from '@cogauth/core';
import { issuersOf } from '@cogauth/core/cognito';
import { describeExpiry } from './output.js';

/**
 * Expected vs. actual for the three things people get wrong most (issuer, client, expiry), read from the
 * token WITHOUT verifying it — only to explain a refusal, never to decide anything.
 */
export function expectedVsActual(token: string, options: CognitoVerifierOptions, nowMs = Date.now()): string {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token).payload;
  } catch {
    return 'the token cannot be decoded, so it has no iss, client or exp to compare';
  }
  const expectedIss =
    options.issuer === undefined
      ? issuersOf(options.userPoolId ?? '').join(' or ') || `<issuer of ${options.userPoolId}>`
      : [options.issuer].flat().join(' or ');
  const clients =
    options.clientId === null || options.clientId === undefined ? null : [options.clientId].flat();
  const tokenClient = payload.token_use === 'id' ? payload.aud : payload.client_id;
  const clientName = payload.token_use === 'id' ? 'aud' : 'client_id';
  const exp = typeof payload.exp === 'number' ? describeExpiry(payload.exp, nowMs) : 'missing';
  return [
    `iss: expected ${expectedIss}, token has ${show(payload.iss)}`,
    `client: expected ${clients ? clients.join(' or ') : 'any (not checked)'}, token has ${clientName} ${show(tokenClient)}`,
    `token_use: expected ${options.tokenUse ?? 'any (not checked)'}, token has ${show(payload.token_use)}`,
    `exp: ${exp}`,
  ].join('; ');
}

function show(value: unknown): string {
  if (value === undefined) return 'none';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

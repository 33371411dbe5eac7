import {
  type CognitoClaimsOptions,
  cognitoAccessClaims,
  cognitoIdClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  type TestAlg,
  type TestKey,
} from '@cogauth/test-fixtures';
import { expect } from 'vitest';
import { VerifyError, type VerifyErrorCode } from '../src/index.js';

export const POOL_ID = 'us-east-1_TestPool1';
export const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
export const CLIENT_ID = 'testclient0123456789abcdef';

const keys = new Map<string, TestKey>();
/** One key per algorithm (and optional label), generated once per test file. */
export function key(alg: TestAlg = 'RS256', label = 'main'): TestKey {
  const id = `${alg}-${label}`;
  let k = keys.get(id);
  if (k === undefined) {
    k = generateTestKey({ alg, kid: id });
    keys.set(id, k);
  }
  return k;
}

export function accessToken(
  k: TestKey = key(),
  opts: CognitoClaimsOptions = {},
  header?: Record<string, unknown>,
): string {
  return signJwt(cognitoAccessClaims({ poolId: POOL_ID, ...opts }), k, header);
}

export function idToken(k: TestKey = key(), opts: CognitoClaimsOptions = {}): string {
  return signJwt(cognitoIdClaims({ poolId: POOL_ID, ...opts }), k);
}

export { jwksOf };

/** Runs `fn` and asserts it fails with a VerifyError of `code` whose message does not contain the token. */
export async function expectCode(
  fn: () => unknown,
  code: VerifyErrorCode,
  token?: string,
): Promise<VerifyError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(VerifyError);
  const error = caught as VerifyError;
  expect(error.code, error.message).toBe(code);
  if (token !== undefined) expectNoTokenIn(error.message, token);
  return error;
}

export function expectNoTokenIn(message: string, token: string): void {
  for (const segment of token.split('.')) {
    if (segment.length >= 8) expect(message).not.toContain(segment);
  }
}

import { type CognitoVerifierOptions, createCognitoVerifier, type VerifierSettings } from '../src/index.js';

/** A verifier for the test pool with the RS256 test key preloaded: no network involved. */
export function localVerifier(options: Partial<CognitoVerifierOptions> = {}, settings?: VerifierSettings) {
  return createCognitoVerifier(
    { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID, jwks: jwksOf(key()), ...options },
    settings,
  );
}

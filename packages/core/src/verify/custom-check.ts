import { VerifyError } from '../errors.js';
import type { CognitoClaims, CustomCheckInput } from '../types.js';
import type { Checks } from './checks.js';
import type { TokenHeader } from './jwt.js';

function customCheckFailed(error: unknown): VerifyError {
  const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
  return new VerifyError('CUSTOM_CHECK_FAILED', `customCheck refused the token${detail}`, { cause: error });
}

function checkInput(header: TokenHeader, payload: CognitoClaims): CustomCheckInput {
  return { header: { alg: header.alg, kid: header.kid }, payload };
}

/** Runs the customCheck for verifySync: a check that returns a promise is refused. */
export function syncCheck(checks: Checks, header: TokenHeader, claims: CognitoClaims): CognitoClaims {
  const check = checks.customCheck;
  if (check === null) return claims;
  let result: unknown;
  try {
    result = check(checkInput(header, claims));
  } catch (error) {
    throw customCheckFailed(error);
  }
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new VerifyError(
      'CUSTOM_CHECK_FAILED',
      'customCheck returned a promise: verifySync needs a synchronous check (use verify)',
    );
  }
  return claims;
}

/** Runs the customCheck for verify, waiting for a promise it returns. */
export async function asyncCheck(
  checks: Checks,
  header: TokenHeader,
  claims: CognitoClaims,
): Promise<CognitoClaims> {
  const check = checks.customCheck;
  if (check === null) return claims;
  try {
    await check(checkInput(header, claims));
  } catch (error) {
    throw customCheckFailed(error);
  }
  return claims;
}

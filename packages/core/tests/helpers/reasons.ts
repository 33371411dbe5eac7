import type { DecisionReason } from '../../src/decide/decide.js';
import type { VerifyErrorCode } from '../../src/errors.js';

/**
 * Every reason a decision can carry besides the verifier's codes. Typed so that a new reason fails
 * typecheck until it is listed here, and with it in the tests that read this list.
 */
export const OWN_REASONS: Readonly<Record<Exclude<DecisionReason, VerifyErrorCode>, true>> = {
  ALLOWED: true,
  ROUTE_NOT_PERMITTED: true,
  ROUTE_NOT_CACHEABLE: true,
  NO_ROUTE_PERMITTED: true,
  TOKEN_MISSING: true,
  BEARER_MALFORMED: true,
  EVENT_UNSUPPORTED: true,
  ARN_INVALID: true,
  CONTEXT_ERROR: true,
  VERIFIER_ERROR: true,
  INTERNAL_ERROR: true,
  PATH_INVALID: true,
  ANSWER_TOO_LARGE: true,
};

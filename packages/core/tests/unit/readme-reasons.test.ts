import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecisionReason } from '../../src/decide/decide.js';
import type { VerifyErrorCode } from '../../src/errors.js';

// The README's log section is where operators look up a reason they saw in a log or a metric. Typed as
// every reason except the verifier's codes (documented as a group), so a new reason fails typecheck here
// until it is listed, and a reason missing from the README fails the test.
const REASONS: Record<Exclude<DecisionReason, VerifyErrorCode>, true> = {
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

describe('README: the decision log reasons', () => {
  it('lists every reason a decision can carry', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(
      readme.indexOf('### Logs'),
      readme.indexOf('\n### ', readme.indexOf('### Logs') + 1),
    );
    const missing = Object.keys(REASONS).filter((reason) => !section.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });
});

import type { CognitoClaims } from '../types.js';
import type { AuthorizerContext } from './context.js';
import {
  type DecisionEffect,
  type DecisionReason,
  type DecisionRequest,
  decideWith,
  type Unauthorized,
  type VerifyOutcome,
} from './decide.js';
import { RouteAccess } from './route-access.js';
import { type CompiledRule, compiledRules, type RouteRule } from './rules.js';

/**
 * The decision: 401 (`Unauthorized`: no valid token) or, for a verified caller, 200 (`Allow`) or 403
 * (`Deny`), with the claims, the principal (`sub`), the default context (a fresh object) and the rules of
 * the request's family (HTTP and WebSocket, or GraphQL) the caller may use.
 */
export type Decision =
  | Unauthorized
  | {
      readonly status: 200 | 403;
      readonly effect: Exclude<DecisionEffect, 'Unauthorized'>;
      readonly reason: DecisionReason;
      readonly claims: CognitoClaims;
      readonly principal: string;
      readonly context: AuthorizerContext;
      readonly permitted: readonly RouteRule[];
    };

const accessByRules = new WeakMap<readonly CompiledRule[], RouteAccess>();
/** The rules of a permitted-rule set as written, one frozen array per set (shared, like the set). */
const written = new WeakMap<readonly CompiledRule[], readonly RouteRule[]>();

/**
 * The decision every cogauth authorizer and adapter makes for `request`, given what verification said
 * (`verifyAuthorization`) and the rules (validated like `parseRules`: pass `parseRules`' result to have
 * them validated once). Pure: nothing is logged, no hook runs.
 */
export function decide(
  request: DecisionRequest,
  outcome: VerifyOutcome,
  rules: readonly RouteRule[] | string,
): Decision {
  const compiled = compiledRules(rules);
  let access = accessByRules.get(compiled);
  if (!access) {
    access = new RouteAccess(compiled);
    accessByRules.set(compiled, access);
  }
  const verdict = decideWith(access, request, outcome);
  if (verdict.status === 401) return verdict;
  const { grant, ...rest } = verdict;
  const rulesOfGrant = access.permitted(grant, request);
  let permitted = written.get(rulesOfGrant);
  if (!permitted) {
    permitted = Object.freeze(rulesOfGrant.map((r) => r.rule));
    written.set(rulesOfGrant, permitted);
  }
  return { ...rest, permitted };
}

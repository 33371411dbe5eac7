import type { CognitoClaims } from '@cogauth/core';
import type { DecisionRequest, RouteGrants } from '@cogauth/core/rules';
import type { CedarAccess } from './access.js';
import { contextFor, principalOf } from './entities.js';
import { type Evaluation, evaluate, type PolicyError, type Runtime } from './evaluate.js';
import type { CedarGrant } from './grant.js';
import type { RouteAction } from './routes.js';

/** One request: the method and the path as sent (`GET`, `/users/42`), and its parameters where known. */
export interface CedarRequest {
  readonly method: string;
  readonly path: string;
  /** API Gateway's `pathParameters`; derived from the route template and the path when absent. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** The query string's parameters; none when absent. */
  readonly queryStringParameters?: Readonly<Record<string, string>>;
}

export type CedarDecisionReason = 'ALLOWED' | 'ROUTE_NOT_PERMITTED' | 'NO_ROUTE_PERMITTED' | 'CLAIM_INVALID';

export interface CedarDecision {
  readonly allowed: boolean;
  readonly reason: CedarDecisionReason;
  /** The principal's entity id (`<user pool id>|<sub>`), absent for CLAIM_INVALID. */
  readonly principal?: string;
  /** The action of the route API Gateway selects for the request (none: a route no action names). */
  readonly actions: readonly string[];
  /** Whether the answer depends on the request beyond method, path and token (a per-request route). */
  readonly perRequest: boolean;
}

/** Cedar's answer for one action. */
export interface ActionExplanation extends Evaluation {
  readonly action: string;
  readonly perRequest: boolean;
}

export interface CedarExplanation {
  readonly decision: CedarDecision;
  /** Cedar's answer for the selected action: which policies permitted it, or forbade it. */
  readonly actions: readonly ActionExplanation[];
  /** Policies that erred for this principal on the routes answered by token (Cedar skips them). */
  readonly errors: readonly PolicyError[];
}

/**
 * The engine's `decide` and `explain`: what the authorizer answers for one request with the authorizer
 * cache off, through the access model (the route API Gateway selects, its action's grant, per-request
 * actions evaluated with the request's parameters). Never throws for claims without a principal.
 */
export class Decider {
  readonly #rt: Runtime;
  readonly #access: CedarAccess;
  readonly #routes: RouteGrants;

  constructor(rt: Runtime, access: CedarAccess, routes: RouteGrants) {
    this.#rt = rt;
    this.#access = access;
    this.#routes = routes;
  }

  decide(claims: CognitoClaims, request: CedarRequest): CedarDecision {
    return this.#run(claims, request).decision;
  }

  explain(claims: CognitoClaims, request: CedarRequest): CedarExplanation {
    const { decision, grant, selected, http } = this.#run(claims, request);
    if (grant === undefined) return { decision, actions: [], errors: [] };
    const principal = principalOf(this.#rt.model, claims);
    const actions = selected.map((action): ActionExplanation => {
      const result = action.perRequest
        ? this.#access.evaluateRequest(grant, action, http)
        : evaluate(this.#rt, principal, action, contextFor(this.#rt.model, principal, action));
      return { action: action.id, perRequest: action.perRequest, ...result };
    });
    let errors: PolicyError[] = [];
    for (const a of this.#rt.model.actions.filter((x) => !x.perRequest)) {
      errors = errors.concat(
        evaluate(this.#rt, principal, a, contextFor(this.#rt.model, principal, a)).errors,
      );
    }
    return { decision, actions, errors: dedupe(errors) };
  }

  #run(
    claims: CognitoClaims,
    request: CedarRequest,
  ): {
    decision: CedarDecision;
    grant?: CedarGrant;
    selected: readonly RouteAction[];
    http: DecisionRequest & { kind: 'http' };
  } {
    const http = {
      kind: 'http' as const,
      method: request.method,
      path: request.path,
      queryStringParameters: request.queryStringParameters ?? {},
      ...(request.pathParameters === undefined ? {} : { pathParameters: request.pathParameters }),
    };
    const selected = this.#routes
      .select(request.method, request.path)
      .map((i) => this.#rt.model.actions[i] as RouteAction);
    const ids = selected.map((a) => a.id);
    const perRequest = selected.some((a) => a.perRequest);
    const caller = this.#access.callerOf(claims);
    if (!('grant' in caller)) {
      const decision = { allowed: false, reason: 'CLAIM_INVALID' as const, actions: ids, perRequest };
      return { decision, selected, http };
    }
    const grant = caller.grant;
    const allowed = this.#access.allows(grant, http);
    const reason = allowed
      ? 'ALLOWED'
      : grant.permitted.length > 0
        ? 'ROUTE_NOT_PERMITTED'
        : 'NO_ROUTE_PERMITTED';
    const decision = { allowed, reason, principal: grant.principal, actions: ids, perRequest } as const;
    return { decision, grant, selected, http };
  }
}

function dedupe(errors: readonly PolicyError[]): PolicyError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.policyId}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

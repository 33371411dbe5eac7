import { type CognitoClaims, VerifyError } from '@cogauth/core';
import { contextFor, principalOf, type RequestContext } from './entities.js';
import { type Evaluation, evaluate, type PolicyError, type Runtime } from './evaluate.js';
import type { CedarGrant, Grants } from './grant.js';
import type { RouteAction } from './routes.js';

/** One request: the method and the path as sent (`GET`, `/users/42`), and its parameters where known. */
export interface CedarRequest {
  readonly method: string;
  readonly path: string;
  /** API Gateway's `pathParameters`; derived from the route template and the path when absent. */
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly queryStringParameters?: Readonly<Record<string, string>>;
}

export type CedarDecisionReason = 'ALLOWED' | 'ROUTE_NOT_PERMITTED' | 'NO_ROUTE_PERMITTED' | 'CLAIM_INVALID';

export interface CedarDecision {
  readonly allowed: boolean;
  readonly reason: CedarDecisionReason;
  /** The principal's entity id (`<user pool id>|<sub>`), absent for CLAIM_INVALID. */
  readonly principal?: string;
  /** The ids of the actions whose route pattern matches the request. */
  readonly actions: readonly string[];
  /** Whether the answer depends on the request beyond method, path and token (a per-request route matched). */
  readonly perRequest: boolean;
}

/** Cedar's answer for one matching action. */
export interface ActionExplanation extends Evaluation {
  readonly action: string;
  readonly perRequest: boolean;
}

export interface CedarExplanation {
  readonly decision: CedarDecision;
  readonly actions: readonly ActionExplanation[];
  /** Policies that erred for this principal on the routes answered by token (Cedar skips them). */
  readonly errors: readonly PolicyError[];
}

/** Longer paths are no route of an API (API Gateway's limits are far below). */
const MAX_RESOURCE_LENGTH = 2048;
const MEMO_LIMIT = 1024;

/**
 * The decision for one request, as an authorizer answer built from the grant evaluates it: allowed when a
 * matching action is allowed and no matching denied action conflicts with an allowed one (a withheld route
 * reachable through an allowed route's pattern), so a cached answer never allows what Cedar denies.
 * Per-request actions are evaluated now, with the request's parameters.
 */
export class Decider {
  readonly #rt: Runtime;
  readonly #grants: Grants;
  readonly #matches = new Map<string, readonly RouteAction[]>();

  constructor(rt: Runtime, grants: Grants) {
    this.#rt = rt;
    this.#grants = grants;
  }

  decide(claims: CognitoClaims, request: CedarRequest): CedarDecision {
    return this.#run(claims, request, undefined);
  }

  explain(claims: CognitoClaims, request: CedarRequest): CedarExplanation {
    const details: ActionExplanation[] = [];
    const decision = this.#run(claims, request, details);
    let errors: PolicyError[] = [];
    if (decision.principal !== undefined) {
      const principal = principalOf(this.#rt.model, claims);
      for (const a of this.#rt.model.actions.filter((x) => !x.perRequest)) {
        errors = errors.concat(
          evaluate(this.#rt, principal, a, contextFor(this.#rt.model, principal, a)).errors,
        );
      }
    }
    return { decision, actions: details, errors: dedupe(errors) };
  }

  #run(
    claims: CognitoClaims,
    request: CedarRequest,
    details: ActionExplanation[] | undefined,
  ): CedarDecision {
    let grant: CedarGrant;
    try {
      grant = this.#grants.of(claims);
    } catch (err) {
      if (err instanceof VerifyError)
        return { allowed: false, reason: 'CLAIM_INVALID', actions: [], perRequest: false };
      throw err;
    }
    const matched = this.matching(request.method, request.path);
    const verdicts = matched.map((a) => this.#verdict(a, grant, claims, request, details));
    const allowed = verdicts.filter((v) => v.allow).map((v) => v.action);
    const refused = verdicts.filter((v) => !v.allow).map((v) => v.action);
    const blocked = refused.some(
      (n) => this.#grants.deniesExplicitly(grant, n) || allowed.some((p) => this.#grants.conflicts(p, n)),
    );
    const ok = allowed.length > 0 && !blocked;
    const anyPermitted = grant.permitted.length > 0 || allowed.length > 0;
    return {
      allowed: ok,
      reason: ok ? 'ALLOWED' : anyPermitted ? 'ROUTE_NOT_PERMITTED' : 'NO_ROUTE_PERMITTED',
      principal: grant.principal,
      actions: matched.map((a) => a.id),
      perRequest: matched.some((a) => a.perRequest),
    };
  }

  #verdict(
    action: RouteAction,
    grant: CedarGrant,
    claims: CognitoClaims,
    request: CedarRequest,
    details: ActionExplanation[] | undefined,
  ): { action: RouteAction; allow: boolean } {
    const permitted = this.#grants.permits(grant, action);
    if (!action.perRequest && details === undefined) return { action, allow: permitted };
    const principal = principalOf(this.#rt.model, claims);
    const context = action.perRequest ? requestContext(action, request) : undefined;
    const result = evaluate(
      this.#rt,
      principal,
      action,
      contextFor(this.#rt.model, principal, action, context),
    );
    details?.push({ action: action.id, perRequest: action.perRequest, ...result });
    return { action, allow: action.perRequest ? result.allow : permitted };
  }

  /** The actions whose route pattern (core's rule matching) covers `METHOD/path`; memoised per resource. */
  matching(method: string, path: string): readonly RouteAction[] {
    const resource = `${method}${path}`;
    let found = this.#matches.get(resource);
    if (found === undefined) {
      found =
        resource.length > MAX_RESOURCE_LENGTH
          ? []
          : this.#rt.model.actions.filter((a) => a.rule.covers(method, path));
      if (this.#matches.size >= MEMO_LIMIT) this.#matches.clear();
      this.#matches.set(resource, found);
    }
    return found;
  }
}

function requestContext(action: RouteAction, request: CedarRequest): RequestContext {
  return {
    pathParameters: request.pathParameters ?? templateParameters(action.path, request.path) ?? {},
    queryStringParameters: request.queryStringParameters ?? {},
  };
}

/**
 * The path parameters API Gateway would give for `path` on the route template: `{name}` takes one segment,
 * `{name+}` the rest. Undefined when the template does not route this path.
 */
export function templateParameters(template: string, path: string): Record<string, string> | undefined {
  const t = template.split('/');
  const p = path.split('/');
  const out: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const seg = t[i] as string;
    const value = p[i];
    if (seg.startsWith('{') && seg.endsWith('+}')) {
      const rest = p.slice(i).join('/');
      if (rest === '') return undefined;
      out[seg.slice(1, -2)] = rest;
      return out;
    }
    if (value === undefined) return undefined;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (value === '') return undefined;
      out[seg.slice(1, -1)] = value;
    } else if (seg === '*' ? value === '' : seg !== value) return undefined;
  }
  return p.length === t.length ? out : undefined;
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

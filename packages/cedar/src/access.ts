import { type CognitoClaims, VerifyError } from '@cogauth/core';
import type {
  AccessModel,
  Caller,
  DecisionRequest,
  NoCaller,
  PolicyResources,
  RouteGrants,
} from '@cogauth/core/rules';
import { contextFor, type RequestContext } from './entities.js';
import { type Evaluation, evaluate, type Runtime } from './evaluate.js';
import type { CedarGrant, Grants } from './grant.js';
import type { RouteAction } from './routes.js';

type HttpRequest = DecisionRequest & { readonly kind: 'http' };

/** IAM wildcards: a request path holding one cannot be allowed on its own in a policy. */
const WILDCARD = /[*?]/;

/**
 * Cedar policies as core's access model (what `createAuthorizer` and `createAuthenticator` take as `rules`):
 * a caller's grant is the actions Cedar permits its principal; a request is decided by the action of the
 * route API Gateway selects for it (core's `routeGrants`), per-request actions with the request's own
 * parameters. Answers stay cache-safe: the IAM policy for a grant allows only requests whose route is
 * permitted; a request the grant's policy cannot answer exactly (a per-request route, or a permitted route
 * the policy over-denies) gets an Allow for its own ARN, and `cacheable` refuses what API Gateway's cache
 * would reuse wrongly. Only HTTP routes: WebSocket route keys and AppSync fields are refused.
 */
export class CedarAccess implements AccessModel<CedarGrant> {
  readonly readsRequest: boolean;
  /** The actions' routes (`GET /users/{id}`): the values of core's metrics `Route` dimension. */
  readonly routes: readonly string[];
  readonly #rt: Runtime;
  readonly #grants: Grants;
  readonly #routes: RouteGrants;
  readonly #actions: readonly RouteAction[];
  readonly #caseBlind: boolean;
  /** The per-request decision of a request object, shared by `allows` and `policyOf` (one per event). */
  readonly #evaluated = new WeakMap<DecisionRequest, { grant: CedarGrant; allowed: boolean }>();

  constructor(rt: Runtime, grants: Grants, routes: RouteGrants, caseBlind = false) {
    this.#rt = rt;
    this.#grants = grants;
    this.#routes = routes;
    this.#actions = rt.model.actions;
    this.#caseBlind = caseBlind;
    this.readsRequest = this.#actions.some((a) => a.perRequest);
    this.routes = this.#actions.map((a) => a.route);
  }

  callerOf(claims: CognitoClaims): Caller<CedarGrant> | NoCaller {
    try {
      return { principal: claims.sub, grant: this.#grants.of(claims) };
    } catch (err) {
      if (err instanceof VerifyError) return { reason: 'CLAIM_INVALID' };
      return { reason: 'CONTEXT_ERROR', error: err instanceof Error ? err.name : typeof err };
    }
  }

  allows(grant: CedarGrant, request: DecisionRequest): boolean {
    if (request.kind !== 'http') return false;
    const { method, path } = request;
    const held = this.#grants.held(grant);
    if (this.#caseBlind && this.#routes.caseBlindOnly(method, path).some((i) => !this.#permits(grant, i)))
      return false;
    const selected = this.#routes.select(method, path);
    // A request to no route of the policy store: as the cached policy answers it.
    if (selected.length === 0) return held.policy.allows(method, path);
    const perRequest = selected.some((i) => (this.#actions[i] as RouteAction).perRequest);
    const allowed = perRequest
      ? this.#perRequest(grant, request, selected)
      : selected.every((i) => this.#permits(grant, i));
    // Allowed where the grant's policy is not: the answer allows this ARN alone, which a wildcard cannot be.
    if (allowed && (perRequest || !held.policy.allows(method, path))) return !WILDCARD.test(path);
    return allowed;
  }

  permittedCount(grant: CedarGrant): number {
    return grant.permitted.length;
  }

  /**
   * The grant's policy; for a request it does not answer exactly (allowed on a per-request route, or on a
   * permitted route its Denies over-reach), that policy plus an Allow of the request's own ARN, or that
   * Allow alone when one of the policy's Denies covers the request (a Deny wins over any Allow).
   */
  policyOf(grant: CedarGrant, request: DecisionRequest): PolicyResources {
    const policy = this.#grants.held(grant).policy;
    if (request.kind !== 'http') return policy;
    const { method, path } = request;
    const selected = this.#routes.select(method, path);
    if (selected.length === 0) return policy;
    const perRequest = selected.some((i) => (this.#actions[i] as RouteAction).perRequest);
    if (!perRequest && policy.allows(method, path)) return policy;
    if (!this.allows(grant, request)) return policy;
    const own = `${method}${path}`;
    if (policy.denies(method, path)) return { allow: [own], deny: [] };
    return { allow: [...policy.allow, own], deny: policy.deny };
  }

  deniedFields(): readonly string[] {
    return [];
  }

  cacheable(request: DecisionRequest): boolean {
    if (request.kind !== 'http') return true;
    if ('cachedByRouteKey' in request) {
      const at = this.#routes.routeOfKey(request.cachedByRouteKey);
      return at >= 0 && !(this.#actions[at] as RouteAction).perRequest;
    }
    for (const i of this.#routes.select(request.method, request.path)) {
      const action = this.#actions[i] as RouteAction;
      if (!action.readsQuery) continue;
      // The query string is in no ARN (a cached policy would serve other queries) and not in TOKEN events.
      if (request.queryStringParameters === undefined || request.cachedByToken === true) return false;
    }
    return true;
  }

  forRouters(): CedarAccess {
    return new CedarAccess(this.#rt, this.#grants, this.#routes, true);
  }

  /** Cedar's answer for each selected per-request action (all must allow), for this request object once. */
  #perRequest(grant: CedarGrant, request: HttpRequest, selected: readonly number[]): boolean {
    const known = this.#evaluated.get(request);
    if (known?.grant === grant) return known.allowed;
    const allowed = selected.every((i) => {
      const action = this.#actions[i] as RouteAction;
      return action.perRequest ? this.evaluateRequest(grant, action, request).allow : this.#permits(grant, i);
    });
    this.#evaluated.set(request, { grant, allowed });
    return allowed;
  }

  /** Cedar's answer for a per-request action, with the request's parameters. */
  evaluateRequest(grant: CedarGrant, action: RouteAction, request: HttpRequest): Evaluation {
    const { principal } = this.#grants.held(grant);
    const context: RequestContext = {
      pathParameters: request.pathParameters ?? templateParameters(action.path, request.path) ?? {},
      queryStringParameters: request.queryStringParameters ?? {},
    };
    return evaluate(this.#rt, principal, action, contextFor(this.#rt.model, principal, action, context));
  }

  #permits(grant: CedarGrant, index: number): boolean {
    return this.#grants.held(grant).permitted[index] === 1;
  }
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

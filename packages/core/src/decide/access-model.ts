/**
 * The decision step behind one small interface: from verified claims to a caller's grant, and from a grant
 * to what the caller may do. Route rules implement it (route-access.ts); other models plug in through the
 * `rules` option (`@cogauth/cedar`'s engine is one), and `routeGrants` (route-grants.ts) gives them API
 * Gateway's route selection and cache-safe IAM answers for any grant that is a set of routes. The answers'
 * compaction, per-request scoping and size checks (answer/) work on `policyOf`'s output, whatever the model.
 * Exported as types from `@cogauth/core/rules`; the runner, the answers and `decide` use it.
 */

import type { CognitoClaims } from '../types.js';
import type { AuthorizerContext } from './context.js';
import type { DecisionReason, DecisionRequest } from './decide.js';

/** What depends on the claims alone: derived once per claims object. */
export interface Caller<Grant> {
  readonly principal: string;
  /**
   * The default context; never handed out as is (each decision gets a copy). When absent, the default
   * context of the claims (sub, username, groups, scope, tokenUse, clientId, email), as route rules give.
   */
  readonly context?: Readonly<AuthorizerContext>;
  /** What the caller may do; one object per distinct grant, so answers can be memoized by identity. */
  readonly grant: Grant;
}

/** Why verified claims give no caller (a missing `sub`, a context that cannot be built). */
export interface NoCaller {
  readonly reason: DecisionReason;
  /** The class name of an unexpected error, never its message. */
  readonly error?: string;
}

/** The resource-ARN suffixes of an IAM answer (`GET/messages/*`): what it allows, and what it must deny. */
export interface PolicyResources {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

/**
 * What a caller may do, for the authorizer, the authenticator and `decide`. Pass one as `rules`. Every
 * method must be pure for its inputs and must not throw for verified claims; the answers built from it are
 * cached by API Gateway, so `policyOf` must never allow a request `allows` would refuse for the grant.
 */
export interface AccessModel<Grant extends object = object> {
  /** The caller the claims describe, or why there is none (401). */
  callerOf(claims: CognitoClaims): Caller<Grant> | NoCaller;
  /** Whether the grant allows the request (`cacheable` aside). */
  allows(grant: Grant, request: DecisionRequest): boolean;
  /** How many rules (routes, fields) of the request's family the grant holds: the log's `permittedRules`. */
  permittedCount(grant: Grant, request: DecisionRequest): number;
  /**
   * The REST / HTTP API IAM answer for a grant and the request at hand. API Gateway may serve it for any
   * later request with the same token while its cache is on (the request's `cachedByToken`), so it must be
   * right for every request it allows; the authorizer adds an explicit Deny of the request itself when
   * `allows` refused it. Route rules give the same resources for every request.
   */
  policyOf(grant: Grant, request: DecisionRequest): PolicyResources;
  /**
   * For the start-up size check (answer/size-check.ts): `policyOf` of every grant a caller can hold, or
   * undefined when there are too many to list.
   */
  grantPolicies?(): readonly PolicyResources[] | undefined;
  /**
   * For the start-up size check when `grantPolicies` cannot list them: every resource any grant's
   * `policyOf` may list (each grant's lists are parts of these). A model with neither is checked per
   * request only.
   */
  policyBound?(): PolicyResources;
  /** AppSync: every protected field the grant may not use, whatever the operation (cached by token). */
  deniedFields(grant: Grant): readonly string[];
  /**
   * Whether an answer to this request stays right for every request API Gateway's cache would serve it to
   * (`cachedByRouteKey`, `cachedByToken`), and the request carries what the decision reads; false refuses it
   * (403 ROUTE_NOT_CACHEABLE) for every caller.
   */
  cacheable(request: DecisionRequest): boolean;
  /**
   * Whether decisions read the request beyond its method and path: the authorizer then hands over the path
   * and query string parameters of each event (`DecisionRequest` `pathParameters`, `queryStringParameters`).
   */
  readonly readsRequest: boolean;
  /**
   * The routes the model decides by, in the rule grammar (`GET /users/{id}`): the values of the metrics'
   * `Route` dimension (`metrics.routeDimension`), for the route API Gateway selects. Without it every
   * decision counts under `(none)`.
   */
  readonly routes?: readonly string[];
  /**
   * The model for framework routers (`createAuthenticator`), which may match paths ignoring letter case:
   * checked or adjusted for that; throws a ConfigError when it cannot be made safe. Required by
   * `createAuthenticator` (route rules are checked there instead, so that the Lambda bundle stays small).
   */
  forRouters?(): AccessModel<Grant>;
}

/** Whether a value passed as `rules` is an access model rather than route rules. */
export function isAccessModel(value: unknown): value is AccessModel {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const model = value as Record<string, unknown>;
  return (
    typeof model.callerOf === 'function' &&
    typeof model.allows === 'function' &&
    typeof model.policyOf === 'function' &&
    typeof model.cacheable === 'function'
  );
}

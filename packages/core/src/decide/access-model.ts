/**
 * The decision step behind one small interface: from verified claims to a caller's grant, and from a grant
 * to what the caller may do. Route rules implement it today (route-access.ts); a Cedar model (permitted
 * actions per principal, some routes decided per request) plugs in here later; the answers' compaction,
 * per-request scoping and size checks (answer/) work on `policyOf`'s output, whatever the model.
 * Internal: the runner, the answers and `decide` use it; nothing outside core sees it.
 */

import type { CognitoClaims } from '../types.js';
import type { AuthorizerContext } from './context.js';
import type { DecisionReason, DecisionRequest } from './decide.js';

/** What depends on the claims alone: derived once per claims object. */
export interface Caller<Grant> {
  readonly principal: string;
  /** The default context; never handed out as is (each decision gets a copy). */
  readonly context: Readonly<AuthorizerContext>;
  /** What the caller may do; one object per distinct grant, so answers can be memoized by identity. */
  readonly grant: Grant;
}

/** Why verified claims give no caller (a missing `sub`, a context that cannot be built). */
export interface NoCaller {
  readonly reason: DecisionReason;
  /** The class name of an unexpected error, never its message. */
  readonly error?: string;
}

/** The resource-ARN suffixes of an IAM answer for a grant: what it allows, and what it must deny. */
export interface PolicyResources {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export interface AccessModel<Grant extends object = object> {
  /** The caller the claims describe, or why there is none. */
  callerOf(claims: CognitoClaims): Caller<Grant> | NoCaller;
  /** Whether the grant allows the request (`cachedByRouteKey` aside: see `routeKeyCacheable`). */
  allows(grant: Grant, request: DecisionRequest): boolean;
  /** How many rules (routes, fields) of the request's family the grant holds: the log's `permittedRules`. */
  permittedCount(grant: Grant, request: DecisionRequest): number;
  /**
   * The REST / HTTP API IAM answer for a grant, the same for every route so that API Gateway may cache it
   * by token: every route the grant allows, and explicit Denies for what those patterns over-reach.
   */
  policyOf(grant: Grant): PolicyResources;
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
  /** Whether every request an HTTP API route key covers gets the same decision, for every grant. */
  routeKeyCacheable(routeKey: unknown): boolean;
}

import { VerifyError } from '../errors.js';
import type { DecisionReason } from '../pipeline/decision-log.js';
import type { CognitoClaims } from '../types.js';
import type { BearerResult } from './bearer.js';
import { isRouteKeyCacheable } from './cacheable.js';
import { type AuthorizerContext, defaultContext } from './context.js';
import { globMatch } from './glob.js';
import { ClaimsMemo, remember } from './memo.js';
import { type Overreach, overreachOf } from './overreach.js';
import { type CompiledRule, compileParsedRules, heldBy, ruleMatches, satisfies } from './rules.js';

/**
 * What a request asks for, whatever framework or event carried it:
 * - `http`: `method` and `path` (`GET`, `/messages/42`; the path without query string). With
 *   `cachedByRouteKey`, the answer is cached for every request of that HTTP API route key (simple responses
 *   with the authorizer cache on), so it is refused (ROUTE_NOT_CACHEABLE) unless right for all of them.
 * - `websocket`: a WebSocket route key (`$connect`); `cachedByRouteKey` as for `http`.
 * - `graphql`: one GraphQL field, `Type.field` (`Mutation.deletePost`); without `field`, the request as a
 *   whole (AppSync): every verified caller is let in, the fields it may not use are denied one by one.
 */
export type DecisionRequest =
  | {
      readonly kind: 'http';
      readonly method: string;
      readonly path: string;
      readonly cachedByRouteKey?: unknown;
    }
  | { readonly kind: 'websocket'; readonly routeKey: string; readonly cachedByRouteKey?: unknown }
  | { readonly kind: 'graphql'; readonly field?: string };

/** What verification said: the claims `verify()` resolved to, what it threw, or why no token reached it. */
export type VerifyOutcome =
  | { readonly claims: unknown }
  | { readonly error: unknown }
  | { readonly bearer: 'TOKEN_MISSING' | 'BEARER_MALFORMED' };

/** Verifies a bearer value the caller parsed and wraps the result; never throws. */
export async function outcomeOf(
  verifier: { verify(token: string): Promise<unknown> },
  bearer: BearerResult,
): Promise<VerifyOutcome> {
  if ('error' in bearer) return { bearer: bearer.error };
  try {
    return { claims: await verifier.verify(bearer.token) };
  } catch (error) {
    return { error };
  }
}

export type DecisionStatus = 200 | 401 | 403;
export type DecisionEffect = 'Allow' | 'Deny' | 'Unauthorized';

/**
 * The decision: 401 (`Unauthorized`: no valid token) or, for a verified caller, 200 (`Allow`) or 403
 * (`Deny`). The 200/403 answers carry the claims, the principal (`sub`), the default context (a fresh object
 * the caller may extend) and the caller's permitted rules of the request's family (HTTP and WebSocket, or
 * GraphQL): one frozen array shared by every caller with the same set.
 */
export type Decision =
  | {
      readonly status: 401;
      readonly effect: 'Unauthorized';
      readonly reason: DecisionReason;
      /** The class name of an unexpected error, never its message (it might quote the token). */
      readonly error?: string;
    }
  | {
      readonly status: 200 | 403;
      readonly effect: 'Allow' | 'Deny';
      readonly reason: DecisionReason;
      readonly claims: CognitoClaims;
      readonly principal: string;
      readonly context: AuthorizerContext;
      readonly permitted: readonly CompiledRule[];
    };

/** The caller's permitted rules per family; one object per permitted-rule set. */
interface Grant {
  readonly http: readonly CompiledRule[];
  readonly graphql: readonly CompiledRule[];
  /** What the `http` rules' patterns match beyond their routes, for this caller (overreach.ts). */
  readonly denies: readonly string[];
}

/** What depends on the claims alone; derived once per claims object (see ClaimsMemo). */
interface Caller {
  readonly principal: string;
  /** Never handed out: each decision gets a copy. */
  readonly context: Readonly<AuthorizerContext>;
  readonly grant: Grant;
}

type Refused = { readonly reason: DecisionReason; readonly error?: string };

const GRAPHQL_PREFIX = 'GRAPHQL ';

/** Whether a rule is about a GraphQL field (`GRAPHQL Type.field`) rather than an HTTP or WebSocket route. */
export function isGraphqlRule(rule: CompiledRule): boolean {
  return rule.rule.route.startsWith(GRAPHQL_PREFIX);
}

/**
 * Compiled rules ready for `decide`, with the memo maps that make repeated decisions cheap (they never
 * change an answer). Build once at start-up: `compileDecisionRules(rules)` validates like `parseRules`.
 */
export class DecisionRules {
  readonly rules: readonly CompiledRule[];
  readonly http: readonly CompiledRule[];
  readonly graphql: readonly CompiledRule[];
  readonly #bitmask: boolean;
  readonly #overreach: Overreach;
  readonly #callers = new ClaimsMemo<Caller | Refused>();
  readonly #grants = new Map<number | string, Grant>();
  readonly #allowed = new Map<string, Map<Grant, boolean>>();
  readonly #cacheable = new Map<unknown, boolean>();

  constructor(rules: readonly CompiledRule[]) {
    this.rules = rules;
    this.http = rules.filter((r) => !isGraphqlRule(r));
    this.graphql = rules.filter(isGraphqlRule);
    this.#bitmask = rules.length <= 30;
    this.#overreach = overreachOf(rules);
  }

  callerOf(claims: CognitoClaims): Caller | Refused {
    return this.#callers.get(claims, () => {
      try {
        return this.#newCaller(claims);
      } catch (err) {
        return { reason: 'CONTEXT_ERROR', error: errorName(err) };
      }
    });
  }

  #newCaller(claims: CognitoClaims): Caller | Refused {
    const principal = claims.sub;
    if (typeof principal !== 'string' || principal === '') return { reason: 'CLAIM_INVALID' };
    const held = heldBy(claims);
    let mask = 0;
    let list = '';
    for (const r of this.rules) {
      if (!satisfies(r, held)) continue;
      if (this.#bitmask) mask |= 1 << r.index;
      else list += `${r.index},`;
    }
    const key = this.#bitmask ? mask : list;
    let grant = this.#grants.get(key);
    if (!grant) {
      const all = this.rules.filter((r) => satisfies(r, held));
      const http = Object.freeze(all.filter((r) => !isGraphqlRule(r)));
      grant = remember(this.#grants, key, {
        http,
        graphql: Object.freeze(all.filter(isGraphqlRule)),
        denies: this.#overreach.deniesFor(http),
      });
    }
    return { principal, context: defaultContext(claims), grant };
  }

  /**
   * Whether one of the grant's rules covers `resource` (`GET/messages/42`, `$connect`, `Mutation.x`) and no
   * Deny for their over-reach does: the answer of the policy built for the grant.
   */
  allows(grant: Grant, resource: string, graphql: boolean): boolean {
    let byGrant = this.#allowed.get(resource);
    if (!byGrant) byGrant = remember(this.#allowed, resource, new Map());
    let allowed = byGrant.get(grant);
    if (allowed === undefined) {
      const rules = graphql ? grant.graphql : grant.http;
      const covered = rules.some((r) => ruleMatches(r, resource));
      allowed = remember(
        byGrant,
        grant,
        covered && (graphql || !grant.denies.some((denied) => globMatch(denied, resource))),
      );
    }
    return allowed;
  }

  routeKeyCacheable(routeKey: unknown): boolean {
    return (
      this.#cacheable.get(routeKey) ??
      remember(this.#cacheable, routeKey, isRouteKeyCacheable(this.rules, routeKey))
    );
  }
}

/** Validates rules from code or JSON (a ConfigError names the bad rule) and compiles them for `decide`. */
export function compileDecisionRules(rules: unknown): DecisionRules {
  return new DecisionRules(compileParsedRules(rules));
}

/**
 * The decision for one request: pure (the same inputs always give the same answer, nothing is written
 * anywhere), shared by `createAuthorizer`, `createAuthenticator` and every adapter.
 */
export function decide(request: DecisionRequest, outcome: VerifyOutcome, rules: DecisionRules): Decision {
  if ('bearer' in outcome) return unauthorized(outcome.bearer);
  if ('error' in outcome) {
    const err = outcome.error;
    return err instanceof VerifyError
      ? unauthorized(err.code)
      : unauthorized('VERIFIER_ERROR', errorName(err));
  }
  const claims = outcome.claims;
  if (typeof claims !== 'object' || claims === null) return unauthorized('CLAIM_INVALID');
  const caller = rules.callerOf(claims as CognitoClaims);
  if (!('principal' in caller)) return unauthorized(caller.reason, caller.error);

  const graphql = request.kind === 'graphql';
  const permitted = graphql ? caller.grant.graphql : caller.grant.http;
  let allowed =
    request.kind === 'graphql'
      ? request.field === undefined || rules.allows(caller.grant, request.field, true)
      : rules.allows(
          caller.grant,
          request.kind === 'http' ? `${request.method}${request.path}` : request.routeKey,
          false,
        );
  let reason: DecisionReason = allowed
    ? 'ALLOWED'
    : permitted.length === 0
      ? 'NO_ROUTE_PERMITTED'
      : 'ROUTE_NOT_PERMITTED';
  // The answer is cached for the whole route key: refuse when it would be wrong elsewhere.
  if (
    request.kind !== 'graphql' &&
    'cachedByRouteKey' in request &&
    !rules.routeKeyCacheable(request.cachedByRouteKey)
  ) {
    allowed = false;
    reason = 'ROUTE_NOT_CACHEABLE';
  }
  return {
    status: allowed ? 200 : 403,
    effect: allowed ? 'Allow' : 'Deny',
    reason,
    claims: claims as CognitoClaims,
    principal: caller.principal,
    context: { ...caller.context },
    permitted,
  };
}

function unauthorized(reason: DecisionReason, error?: string): Decision {
  return error === undefined
    ? { status: 401, effect: 'Unauthorized', reason }
    : { status: 401, effect: 'Unauthorized', reason, error };
}

/** The error's class name only: messages of foreign errors might quote the token. */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

import { arnPrefix, type MethodArn, parseMethodArn } from './arn.js';
import { parseBearer } from './bearer.js';
import { isRouteKeyCacheable } from './cacheable.js';
import { type AuthorizerContext, defaultContext, toAuthorizerContext } from './context.js';
import {
  DECISION_LOG_MSG,
  type DecisionLog,
  type DecisionReason,
  formatDecisionLog,
} from './decision-log.js';
import { ConfigError, VerifyError } from './errors.js';
import { type ReadEvent, readEvent } from './events.js';
import { ClaimsMemo, remember } from './memo.js';
import type { AuthorizerPolicyResult, PolicyStatement } from './policy.js';
import {
  type CompiledRule,
  compileParsedRules,
  type Held,
  heldBy,
  type RouteRule,
  ruleMatches,
  satisfies,
} from './rules.js';
import type { CognitoClaims, CognitoVerifier } from './types.js';

/** HTTP API simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: AuthorizerContext;
}

export type AuthorizerResult = AuthorizerPolicyResult | SimpleAuthorizerResult;
export type AuthorizerHandler = (event: unknown, context?: unknown) => Promise<AuthorizerResult>;

export interface AuthorizerOptions {
  verifier: CognitoVerifier;
  /** Rules from code or JSON; validated with `parseRules` (a malformed set throws a ConfigError). */
  rules: readonly RouteRule[] | string;
  /** Extra context entries from the verified claims; merged over the defaults. Throwing fails closed (401). */
  context?: (
    claims: CognitoClaims,
  ) => Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
  /**
   * HTTP API (payload 2.0) answer: `iam` (default: one policy covering every route the caller may use, safe
   * to cache by token alone, like REST) or `simple` (`{isAuthorized, context}` for this request only).
   */
  httpApiResponse?: HttpApiResponse;
  /**
   * Whether API Gateway caches the HTTP API authorizer's answers (`on`, default). With `simple` responses
   * and the cache on, a route key whose decision differs between the requests it covers (`$default`,
   * `ANY …`, `{proxy+}`, a route some rule only partly overlaps) is answered `isAuthorized: false` with
   * reason ROUTE_NOT_CACHEABLE. `off` states that the authorizer's result TTL is 0.
   */
  httpApiCache?: HttpApiCache;
  /** Receives one entry per decision; defaults to one JSON line on stdout. */
  logger?: (entry: DecisionLog) => void;
}

export type HttpApiResponse = 'simple' | 'iam';
export type HttpApiCache = 'on' | 'off';

interface Grant {
  /** How many rules the caller satisfies. */
  readonly permitted: number;
  readonly allowedHere: boolean;
  readonly resources: readonly string[];
}

interface Target {
  readonly arn: MethodArn;
  readonly prefix: string;
  /** `METHOD /path` (or the route key) for the log line. */
  readonly route: string;
  /** What to deny when the route is not permitted; an ARN holding `*` or `?` cannot be denied alone. */
  readonly denyRoute: string | undefined;
  readonly allowLists: Map<number | string, readonly string[]>;
  readonly grants: Map<number | string, Grant>;
}

/** What the handler derives from one verified claims object; see `callerOf`. */
interface Caller {
  readonly principal: string;
  /** Never handed out: each answer gets a copy. */
  readonly context: Readonly<AuthorizerContext>;
  /** The permitted-rule set: a bitmask when the rules fit, else the indexes as a string. */
  readonly key: number | string;
  readonly held: Held;
}

class Refusal {
  constructor(
    readonly reason: DecisionReason,
    readonly error?: string,
  ) {}
}

/**
 * One async Lambda handler for REST TOKEN and REQUEST authorizers, HTTP API payload 2.0 authorizers and
 * WebSocket `$connect` authorizers.
 *
 * - Authentication failures (no or malformed header, any verification failure, an unknown event shape, a
 *   throwing context hook, any unexpected error) throw `Error('Unauthorized')`, which API Gateway answers
 *   with 401.
 * - A valid token without a rule for the route gets an explicit Deny (403) or `isAuthorized: false` (403).
 * - An Allow policy lists every route the caller may use, so a cached policy is right for every route.
 */
export function createAuthorizer(options: AuthorizerOptions): AuthorizerHandler {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const { verifier, context, logger } = options;
  if (typeof verifier?.verify !== 'function') throw new ConfigError('verifier', 'must be a CognitoVerifier');
  if (context !== undefined && typeof context !== 'function')
    throw new ConfigError('context', 'must be a function');
  if (logger !== undefined && typeof logger !== 'function')
    throw new ConfigError('logger', 'must be a function');
  const httpApiResponse = options.httpApiResponse ?? 'iam';
  if (httpApiResponse !== 'simple' && httpApiResponse !== 'iam') {
    throw new ConfigError('httpApiResponse', "must be 'iam' or 'simple'");
  }
  const httpApiCache = options.httpApiCache ?? 'on';
  if (httpApiCache !== 'on' && httpApiCache !== 'off') {
    throw new ConfigError('httpApiCache', "must be 'on' or 'off'");
  }
  return authorizerOf(
    verifier,
    compileParsedRules(options.rules),
    { httpApiResponse, httpApiCache },
    logger,
    // The conversions live here, so a handler without a hook (the Lambda entry) does not carry them.
    context && (async (claims) => toAuthorizerContext(await context(claims))),
  );
}

/**
 * The handler behind `createAuthorizer`, for arguments that are already validated (the Lambda entry
 * validates its own). `extraContext` must return values API Gateway accepts.
 */
export function authorizerOf(
  verifier: CognitoVerifier,
  rules: readonly CompiledRule[],
  http: { readonly httpApiResponse: HttpApiResponse; readonly httpApiCache: HttpApiCache },
  logger?: (entry: DecisionLog) => void,
  extraContext?: (claims: CognitoClaims) => Promise<AuthorizerContext>,
): AuthorizerHandler {
  const log = logger ?? ((entry: DecisionLog) => console.log(formatDecisionLog(entry)));
  // Per method ARN (API Gateway sends a handful): the parsed ARN, its policy prefix, what to deny when the
  // route is not permitted, and the Allow lists per permitted-rule set.
  const targets = new Map<unknown, Target>();
  const allowByPrefix = new Map<string, Map<number | string, readonly string[]>>();
  const targetOf = (value: unknown): Target => {
    let target = targets.get(value);
    if (!target) {
      const arn = parseMethodArn(value);
      const prefix = arnPrefix(arn);
      const allowLists = allowByPrefix.get(prefix) ?? remember(allowByPrefix, prefix, new Map());
      const denyRoute = arn.arn.includes('*') || arn.arn.includes('?') ? undefined : arn.arn;
      const route = arn.path === '' ? arn.method : `${arn.method} ${arn.path}`;
      target = remember(targets, value, { arn, prefix, route, denyRoute, allowLists, grants: new Map() });
    }
    return target;
  };

  // What depends on the claims alone is derived once per claims object (see ClaimsMemo).
  const callers = new ClaimsMemo<Caller | Refusal>();
  const bitmask = rules.length <= 30;
  const callerOf = (claims: CognitoClaims): Caller => {
    const caller = callers.get(claims, () => {
      try {
        return newCaller(claims);
      } catch (err) {
        return err instanceof Refusal ? err : new Refusal('CONTEXT_ERROR', errorName(err));
      }
    });
    if (caller instanceof Refusal) throw caller;
    return caller;
  };
  const newCaller = (claims: CognitoClaims): Caller => {
    const principal = claims.sub;
    if (typeof principal !== 'string' || principal === '') throw new Refusal('CLAIM_INVALID');
    const held = heldBy(claims);
    let mask = 0;
    let list = '';
    for (const r of rules) {
      if (!satisfies(r, held)) continue;
      if (bitmask) mask |= 1 << r.index;
      else list += `${r.index},`;
    }
    return { principal, context: defaultContext(claims), key: bitmask ? mask : list, held };
  };

  // What a caller may do depends only on which rules their claims satisfy, so the Allow list (per
  // API/stage prefix) and the decision for this ARN are computed once per permitted-rule set.
  const grantFor = (target: Target, caller: Caller): Grant => {
    let grant = target.grants.get(caller.key);
    if (!grant) {
      const permitted = rules.filter((r) => satisfies(r, caller.held));
      const resources =
        target.allowLists.get(caller.key) ??
        remember(
          target.allowLists,
          caller.key,
          Object.freeze(permitted.flatMap((r) => r.resources.map((suffix) => target.prefix + suffix))),
        );
      grant = remember(target.grants, caller.key, {
        permitted: permitted.length,
        allowedHere: permitted.some((r) => ruleMatches(r, target.arn.resource)),
        resources,
      });
    }
    return grant;
  };

  // Per HTTP API route key (API Gateway sends one per route): whether a simple answer may be cached.
  const cacheable = new Map<unknown, boolean>();
  const routeKeyCacheable = (routeKey: unknown): boolean => {
    return cacheable.get(routeKey) ?? remember(cacheable, routeKey, isRouteKeyCacheable(rules, routeKey));
  };

  const emit = (entry: DecisionLog): void => {
    try {
      log(entry);
    } catch {
      // A failing log sink must not change the decision.
    }
  };

  return async function authorize(event: unknown): Promise<AuthorizerResult> {
    const start = performance.now();
    let read: ReadEvent | undefined;
    let target: Target | undefined;
    try {
      read = readEvent(event);
      if (!read) throw new Refusal('EVENT_UNSUPPORTED');
      try {
        target = targetOf(read.arn);
      } catch {
        throw new Refusal('ARN_INVALID');
      }
      const bearer = parseBearer(read.header);
      if ('error' in bearer) throw new Refusal(bearer.error);

      let claims: CognitoClaims;
      try {
        claims = await verifier.verify(bearer.token);
      } catch (err) {
        throw err instanceof VerifyError
          ? new Refusal(err.code)
          : new Refusal('VERIFIER_ERROR', errorName(err));
      }
      if (typeof claims !== 'object' || claims === null) throw new Refusal('CLAIM_INVALID');
      const caller = callerOf(claims);

      // A fresh object per answer: the memoized one is shared by every request with these claims.
      const ctx: AuthorizerContext = { ...caller.context };
      if (extraContext) {
        try {
          Object.assign(ctx, await extraContext(claims));
        } catch (err) {
          throw new Refusal('CONTEXT_ERROR', errorName(err));
        }
      }

      const { permitted, resources, allowedHere: permittedHere } = grantFor(target, caller);
      let allowedHere = permittedHere;
      let reason: DecisionReason = allowedHere
        ? 'ALLOWED'
        : permitted === 0
          ? 'NO_ROUTE_PERMITTED'
          : 'ROUTE_NOT_PERMITTED';

      let result: AuthorizerResult;
      if (read.kind === 'HTTP_API_V2' && http.httpApiResponse === 'simple') {
        // API Gateway caches this answer for the whole route key: refuse when it would be wrong elsewhere.
        if (http.httpApiCache === 'on' && !routeKeyCacheable(read.routeKey)) {
          allowedHere = false;
          reason = 'ROUTE_NOT_CACHEABLE';
        }
        result = { isAuthorized: allowedHere, context: ctx };
      } else {
        const statements: PolicyStatement[] = [];
        if (permitted > 0) {
          // The list is shared by every answer with the same grant, hence frozen.
          statements.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources as string[] });
        }
        // Explicit Deny for this request only, so a cached policy stays right for the other routes.
        const denied = permitted === 0 ? `${target.prefix}*` : target.denyRoute;
        if (!allowedHere && denied)
          statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [denied] });
        result = {
          principalId: caller.principal,
          policyDocument: { Version: '2012-10-17', Statement: statements },
          context: ctx,
        };
      }
      emit({
        msg: DECISION_LOG_MSG,
        decision: allowedHere ? 'Allow' : 'Deny',
        reason,
        event: read.kind,
        principal: caller.principal,
        route: target.route,
        permittedRules: permitted,
        latencyMs: elapsed(start),
      });
      return result;
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal('INTERNAL_ERROR', errorName(err));
      const entry: DecisionLog = {
        msg: DECISION_LOG_MSG,
        decision: 'Unauthorized',
        reason: refusal.reason,
        latencyMs: elapsed(start),
      };
      if (read) entry.event = read.kind;
      if (target) entry.route = target.route;
      if (refusal.error) entry.error = refusal.error;
      emit(entry);
      throw new Error('Unauthorized');
    }
  };
}

function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/** The error's class name only: messages of foreign errors might quote the token. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

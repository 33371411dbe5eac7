import {
  type AppSyncAuthorizerResult,
  type AppSyncSupport,
  appSyncSupport,
  DEFAULT_APPSYNC_TTL_SECONDS,
  MAX_APPSYNC_TTL_SECONDS,
} from '../answer/appsync.js';
import { arnPrefix, type MethodArn, parseMethodArn } from '../answer/arn.js';
import type { AuthorizerPolicyResult, PolicyStatement } from '../answer/policy.js';
import { parseBearer } from '../decide/bearer.js';
import { type AuthorizerContext, toAuthorizerContext } from '../decide/context.js';
import { type DecisionRequest, DecisionRules, decide, errorName, outcomeOf } from '../decide/decide.js';
import { remember } from '../decide/memo.js';
import { overreachOf } from '../decide/overreach.js';
import { type CompiledRule, compileParsedRules, type RouteRule } from '../decide/rules.js';
import { ConfigError } from '../errors.js';
import {
  DECISION_LOG_MSG,
  type DecisionLog,
  type DecisionReason,
  elapsedMs,
  emitDecisionLog,
  formatDecisionLog,
} from '../pipeline/decision-log.js';
import type { CognitoClaims, CognitoVerifier } from '../types.js';
import { type ReadEvent, readEvent } from './events.js';

/** HTTP API simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: AuthorizerContext;
}

export type AuthorizerResult = AuthorizerPolicyResult | SimpleAuthorizerResult | AppSyncAuthorizerResult;
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
  /**
   * AppSync: the most seconds an answer may be cached (`ttlOverride`, 0 to 3600, default 300); each answer
   * is cut to the token's remaining lifetime.
   */
  appSyncTtlSeconds?: number;
  /** Receives one entry per decision; defaults to one JSON line on stdout. */
  logger?: (entry: DecisionLog) => void;
}

export type HttpApiResponse = 'simple' | 'iam';
export type HttpApiCache = 'on' | 'off';
/** The answer options `authorizerOf` takes, validated. */
export interface AnswerOptions {
  readonly httpApiResponse: HttpApiResponse;
  readonly httpApiCache: HttpApiCache;
  readonly appSyncTtlSeconds?: number;
}

interface Target {
  readonly arn: MethodArn;
  readonly prefix: string;
  readonly request: DecisionRequest & { readonly kind: 'http' | 'websocket' };
  /** `METHOD /path` (or the route key) for the log line. */
  readonly route: string;
  /** What to deny when the route is not permitted; an ARN holding `*` or `?` cannot be denied alone. */
  readonly denyRoute: string | undefined;
  /** The resource lists per permitted-rule set (`Decision.permitted` is one array per set). */
  readonly lists: WeakMap<readonly CompiledRule[], PolicyLists>;
}

/**
 * A caller's policy resources in one API and stage: the patterns of its permitted rules, and the Denies
 * for what those patterns match beyond their routes where that reaches a route it may not use.
 */
interface PolicyLists {
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

const GRAPHQL_REQUEST: DecisionRequest = { kind: 'graphql' };

class Refusal {
  constructor(
    readonly reason: DecisionReason,
    readonly error?: string,
  ) {}
}

/**
 * One async Lambda handler for REST TOKEN and REQUEST authorizers, HTTP API payload 2.0 authorizers,
 * WebSocket `$connect` authorizers and AppSync Lambda authorizers.
 *
 * - Authentication failures (no or malformed header, any verification failure, an unknown event shape, a
 *   throwing context hook, any unexpected error) throw `Error('Unauthorized')`, which API Gateway answers
 *   with 401.
 * - A valid token without a rule for the route gets an explicit Deny (403) or `isAuthorized: false` (403).
 * - An Allow policy lists every route the caller may use, so a cached policy is right for every route.
 * - AppSync: `isAuthorized: false` without a valid token; else `isAuthorized: true` with `deniedFields`
 *   listing every `GRAPHQL Type.field` rule's field the caller may not use (right for any operation).
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
  const appSyncTtlSeconds = options.appSyncTtlSeconds ?? DEFAULT_APPSYNC_TTL_SECONDS;
  if (
    !Number.isInteger(appSyncTtlSeconds) ||
    appSyncTtlSeconds < 0 ||
    appSyncTtlSeconds > MAX_APPSYNC_TTL_SECONDS
  ) {
    throw new ConfigError('appSyncTtlSeconds', `must be an integer from 0 to ${MAX_APPSYNC_TTL_SECONDS}`);
  }
  return authorizerOf(
    verifier,
    compileParsedRules(options.rules),
    { httpApiResponse, httpApiCache, appSyncTtlSeconds },
    logger,
    // The conversions live here, so a handler without a hook (the Lambda entry) does not carry them.
    context && (async (claims) => toAuthorizerContext(await context(claims))),
    appSyncSupport,
  );
}

/**
 * The handler behind `createAuthorizer`, for arguments that are already validated (the Lambda entry
 * validates its own). `extraContext` must return values API Gateway accepts. Without `appSync`, AppSync
 * events are refused as EVENT_UNSUPPORTED (the deployable API Gateway bundle leaves that code out).
 */
export function authorizerOf(
  verifier: CognitoVerifier,
  rules: readonly CompiledRule[],
  http: AnswerOptions,
  logger?: (entry: DecisionLog) => void,
  extraContext?: (claims: CognitoClaims) => Promise<AuthorizerContext>,
  appSync?: AppSyncSupport,
): AuthorizerHandler {
  const log = logger ?? ((entry: DecisionLog) => console.log(formatDecisionLog(entry)));
  const decisionRules = new DecisionRules(rules);
  const appSyncAnswer = appSync?.answerer(
    decisionRules,
    http.appSyncTtlSeconds ?? DEFAULT_APPSYNC_TTL_SECONDS,
  );
  const overreach = overreachOf(rules);
  // Per method ARN (API Gateway sends a handful): the parsed ARN, its policy prefix, the decision request,
  // what to deny when the route is not permitted, and the resource lists per permitted-rule set.
  const targets = new Map<unknown, Target>();
  const listsByPrefix = new Map<string, WeakMap<readonly CompiledRule[], PolicyLists>>();
  const targetOf = (value: unknown): Target => {
    let target = targets.get(value);
    if (!target) {
      const arn = parseMethodArn(value);
      const prefix = arnPrefix(arn);
      const lists = listsByPrefix.get(prefix) ?? remember(listsByPrefix, prefix, new WeakMap());
      const denyRoute = arn.arn.includes('*') || arn.arn.includes('?') ? undefined : arn.arn;
      const route = arn.path === '' ? arn.method : `${arn.method} ${arn.path}`;
      const request: Target['request'] =
        arn.path === ''
          ? { kind: 'websocket', routeKey: arn.method }
          : { kind: 'http', method: arn.method, path: arn.path };
      target = remember(targets, value, { arn, prefix, request, route, denyRoute, lists });
    }
    return target;
  };
  // The lists are shared by every answer with the same grant, hence frozen.
  const listsOf = (target: Target, permitted: readonly CompiledRule[]): PolicyLists => {
    let lists = target.lists.get(permitted);
    if (!lists) {
      const prefixed = (suffixes: readonly string[]) => Object.freeze(suffixes.map((s) => target.prefix + s));
      lists = {
        allow: prefixed(permitted.flatMap((r) => r.resources)),
        deny: prefixed(overreach.deniesFor(permitted)),
      };
      target.lists.set(permitted, lists);
    }
    return lists;
  };

  const emit = (entry: DecisionLog): void => emitDecisionLog(log, entry);

  return async function authorize(event: unknown): Promise<AuthorizerResult> {
    const start = performance.now();
    let read: ReadEvent | undefined;
    let target: Target | undefined;
    let route: string | undefined;
    try {
      read = readEvent(event) ?? appSync?.read(event);
      if (!read) throw new Refusal('EVENT_UNSUPPORTED');
      const graphql = appSync && read.kind === 'APPSYNC' ? appSync : undefined;
      if (graphql) route = graphql.route(read.operationName);
      else {
        try {
          target = targetOf(read.arn);
        } catch {
          throw new Refusal('ARN_INVALID');
        }
        route = target.route;
      }
      const bearer = graphql ? graphql.bearer(read.header) : parseBearer(read.header);
      const outcome = await outcomeOf(verifier, bearer);
      const simple = read.kind === 'HTTP_API_V2' && http.httpApiResponse === 'simple';
      const request: DecisionRequest = !target
        ? GRAPHQL_REQUEST
        : simple && http.httpApiCache === 'on'
          ? { ...target.request, cachedByRouteKey: read.routeKey }
          : target.request;
      const decision = decide(request, outcome, decisionRules);
      if (decision.status === 401) throw new Refusal(decision.reason, decision.error);

      const ctx = decision.context;
      if (extraContext) {
        try {
          Object.assign(ctx, await extraContext(decision.claims));
        } catch (err) {
          throw new Refusal('CONTEXT_ERROR', errorName(err));
        }
      }

      const allowed = decision.status === 200;
      const permitted = decision.permitted.length;
      let result: AuthorizerResult;
      if (simple) result = { isAuthorized: allowed, context: ctx };
      else if (!target) {
        if (!appSyncAnswer) throw new Refusal('EVENT_UNSUPPORTED');
        result = appSyncAnswer(decision, ctx);
      } else {
        const statements: PolicyStatement[] = [];
        const lists = listsOf(target, decision.permitted);
        if (permitted > 0)
          statements.push({
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: lists.allow as string[],
          });
        // Explicit Deny for this request only, so a cached policy stays right for the other routes.
        const denied = permitted === 0 ? `${target.prefix}*` : target.denyRoute;
        const deny = !allowed && denied ? [...lists.deny, denied] : (lists.deny as string[]);
        if (deny.length > 0)
          statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny });
        result = {
          principalId: decision.principal,
          policyDocument: { Version: '2012-10-17', Statement: statements },
          context: ctx,
        };
      }
      emit({
        msg: DECISION_LOG_MSG,
        decision: decision.effect,
        reason: decision.reason,
        event: read.kind,
        principal: decision.principal,
        route,
        permittedRules: permitted,
        latencyMs: elapsedMs(start),
      });
      return result;
    } catch (err) {
      const refusal = err instanceof Refusal ? err : new Refusal('INTERNAL_ERROR', errorName(err));
      const entry: DecisionLog = {
        msg: DECISION_LOG_MSG,
        decision: 'Unauthorized',
        reason: refusal.reason,
        latencyMs: elapsedMs(start),
      };
      if (read) entry.event = read.kind;
      if (route) entry.route = route;
      if (refusal.error) entry.error = refusal.error;
      emit(entry);
      // AppSync answers a refusal with isAuthorized: false (its 401); nothing of it is cached.
      if (read?.kind === 'APPSYNC') return { isAuthorized: false, ttlOverride: 0 };
      throw new Error('Unauthorized');
    }
  };
}

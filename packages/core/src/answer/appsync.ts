import type { ReadEvent } from '../authorizer/events.js';
import type { BearerResult } from '../decide/bearer.js';
import { parseBearer } from '../decide/bearer.js';
import type { AuthorizerContext } from '../decide/context.js';
import type { Decision, DecisionRules } from '../decide/decide.js';
import type { CompiledRule } from '../decide/rules.js';
import type { CognitoClaims } from '../types.js';
import { isRecord } from '../util/guards.js';

/** The AppSync Lambda authorizer answer. */
export interface AppSyncAuthorizerResult {
  isAuthorized: boolean;
  resolverContext?: AuthorizerContext;
  /** `Type.field` of every rule-protected field the caller may not use, whatever this operation asks for. */
  deniedFields?: string[];
  /** Seconds AppSync may cache this answer for the token: never past the token's `exp`. */
  ttlOverride: number;
}

/** AppSync's own limit on an authorizer's result TTL. */
export const MAX_APPSYNC_TTL_SECONDS = 3600;
export const DEFAULT_APPSYNC_TTL_SECONDS = 300;
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,127}$/;

/** AppSync passes the Authorization header as is: `Bearer <jwt>` or the bare token, as Cognito mode takes it. */
export function appSyncBearer(value: unknown): BearerResult {
  const bearer = parseBearer(value);
  if ('error' in bearer && bearer.error === 'BEARER_MALFORMED' && typeof value === 'string') {
    if (value.length <= 16384 && !/\s/.test(value)) return { token: value };
  }
  return bearer;
}

/** `GRAPHQL <operationName>` for the log line; anything but a GraphQL name is left out. */
export function appSyncRoute(operationName: unknown): string {
  return typeof operationName === 'string' && GRAPHQL_NAME.test(operationName)
    ? `GRAPHQL ${operationName}`
    : 'GRAPHQL';
}

/**
 * The fields to deny for a permitted-rule set: every field a GraphQL rule names minus those the caller's
 * rules cover, so the answer is right for every operation AppSync may serve from its cache.
 */
export function deniedFieldsOf(rules: DecisionRules): (permitted: readonly CompiledRule[]) => string[] {
  const named = [...new Set(rules.graphql.flatMap((r) => r.resources))];
  const memo = new WeakMap<readonly CompiledRule[], string[]>();
  return (permitted) => {
    let denied = memo.get(permitted);
    if (!denied) {
      const allowed = new Set(permitted.flatMap((r) => r.resources));
      denied = Object.freeze(named.filter((f) => !allowed.has(f))) as string[];
      memo.set(permitted, denied);
    }
    return denied;
  };
}

/** The configured TTL, cut to the seconds the token has left (0 once it has expired). */
export function appSyncTtl(claims: CognitoClaims, ttlSeconds: number, nowMs = Date.now()): number {
  const left = typeof claims.exp === 'number' ? Math.floor(claims.exp - nowMs / 1000) : 0;
  return Math.max(0, Math.min(ttlSeconds, left));
}

/** An AppSync Lambda authorizer event (no `type`, `requestContext.apiId`); undefined for any other. */
export function readAppSyncEvent(event: unknown): ReadEvent | undefined {
  if (!isRecord(event) || event.type !== undefined) return undefined;
  const rc = event.requestContext;
  if (!isRecord(rc) || !('apiId' in rc)) return undefined;
  return {
    kind: 'APPSYNC',
    arn: undefined,
    header: event.authorizationToken,
    operationName: rc.operationName,
  };
}

/**
 * What the authorizer needs to answer AppSync events. `createAuthorizer` and `handlerFromEnv` pass it in;
 * the deployable API Gateway bundle does not, so none of this code is in it.
 */
export interface AppSyncSupport {
  read(event: unknown): ReadEvent | undefined;
  route(operationName: unknown): string;
  bearer(header: unknown): BearerResult;
  /** The answer to a verified caller, for a rule set and a TTL. */
  answerer(
    rules: DecisionRules,
    ttlSeconds: number,
  ): (decision: Exclude<Decision, { status: 401 }>, context: AuthorizerContext) => AppSyncAuthorizerResult;
}

export const appSyncSupport: AppSyncSupport = {
  read: readAppSyncEvent,
  route: appSyncRoute,
  bearer: appSyncBearer,
  answerer(rules, ttlSeconds) {
    const deniedFields = deniedFieldsOf(rules);
    return (decision, context) => ({
      isAuthorized: true,
      resolverContext: context,
      deniedFields: deniedFields(decision.permitted),
      ttlOverride: appSyncTtl(decision.claims, ttlSeconds),
    });
  },
};

import { type BearerResult, parseBearer } from '../decide/bearer.js';
import type { AuthorizerContext } from '../decide/context.js';
import type { CognitoClaims } from '../types.js';

/** The AppSync Lambda authorizer answer. */
export interface AppSyncAuthorizerResult {
  isAuthorized: boolean;
  resolverContext?: AuthorizerContext;
  /** `Type.field` of every rule-protected field the caller may not use, whatever this operation asks for. */
  deniedFields?: string[];
  /** Seconds AppSync may cache this answer for the token: never past the token's `exp`. */
  ttlOverride: number;
}

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

/** The configured TTL, cut to the seconds the token has left (0 once it has expired). */
export function appSyncTtl(claims: CognitoClaims, ttlSeconds: number, nowMs = Date.now()): number {
  const left = typeof claims.exp === 'number' ? Math.floor(claims.exp - nowMs / 1000) : 0;
  return Math.max(0, Math.min(ttlSeconds, left));
}

/** A verified caller's answer: let in, with every protected field it may not use denied. */
export function appSyncAnswer(
  claims: CognitoClaims,
  context: AuthorizerContext,
  deniedFields: readonly string[],
  ttlSeconds: number,
): AppSyncAuthorizerResult {
  return {
    isAuthorized: true,
    resolverContext: context,
    deniedFields: deniedFields as string[],
    ttlOverride: appSyncTtl(claims, ttlSeconds),
  };
}

/** A refusal: AppSync's 401, and nothing of it is cached. */
export function appSyncRefusal(): AppSyncAuthorizerResult {
  return { isAuthorized: false, ttlOverride: 0 };
}

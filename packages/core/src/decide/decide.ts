import { VerifyError, type VerifyErrorCode } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import type { AccessModel } from './access-model.js';
import { type BearerResult, parseBearer } from './bearer.js';
import type { AuthorizerContext } from './context.js';

/** Why a request got its answer: the decision log's `reason`. */
export type DecisionReason =
  | 'ALLOWED'
  | 'ROUTE_NOT_PERMITTED'
  | 'ROUTE_NOT_CACHEABLE'
  | 'NO_ROUTE_PERMITTED'
  | 'TOKEN_MISSING'
  | 'BEARER_MALFORMED'
  | 'EVENT_UNSUPPORTED'
  | 'ARN_INVALID'
  | 'CONTEXT_ERROR'
  | 'VERIFIER_ERROR'
  | 'INTERNAL_ERROR'
  | 'PATH_INVALID'
  | 'ANSWER_TOO_LARGE'
  | VerifyErrorCode;

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

/** Verifies a bearer value already read from the request and wraps the result; never throws. */
export async function verifyBearer(
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

/**
 * Reads an `Authorization` value as every cogauth entry point does (`Bearer <jwt>`, see the README) and
 * verifies its token: the outcome `decide` takes. Never throws.
 */
export function verifyAuthorization(
  verifier: { verify(token: string): Promise<unknown> },
  authorization: unknown,
): Promise<VerifyOutcome> {
  return verifyBearer(verifier, parseBearer(authorization));
}

export type DecisionStatus = 200 | 401 | 403;
export type DecisionEffect = 'Allow' | 'Deny' | 'Unauthorized';

/** No valid token (401), with the reason; `error` is an unexpected error's class name, never its message. */
export interface Unauthorized {
  readonly status: 401;
  readonly effect: 'Unauthorized';
  readonly reason: DecisionReason;
  readonly error?: string;
}

/** A verified caller's answer inside core: 200 or 403, with the caller's grant in the access model. */
export interface Verdict<Grant> {
  readonly status: 200 | 403;
  readonly effect: 'Allow' | 'Deny';
  readonly reason: DecisionReason;
  readonly claims: CognitoClaims;
  readonly principal: string;
  /** A fresh object the caller may extend. */
  readonly context: AuthorizerContext;
  readonly grant: Grant;
}

/**
 * The decision for one request under an access model: pure (the same inputs always give the same answer,
 * nothing is written anywhere), shared by the authorizer, the authenticator and `decide`.
 */
export function decideWith<Grant extends object>(
  access: AccessModel<Grant>,
  request: DecisionRequest,
  outcome: VerifyOutcome,
): Unauthorized | Verdict<Grant> {
  if ('bearer' in outcome) return unauthorized(outcome.bearer);
  if ('error' in outcome) {
    const err = outcome.error;
    return err instanceof VerifyError
      ? unauthorized(err.code)
      : unauthorized('VERIFIER_ERROR', errorName(err));
  }
  const claims = outcome.claims;
  if (typeof claims !== 'object' || claims === null) return unauthorized('CLAIM_INVALID');
  const caller = access.callerOf(claims as CognitoClaims);
  if (!('principal' in caller)) return unauthorized(caller.reason, caller.error);

  let allowed = access.allows(caller.grant, request);
  let reason: DecisionReason = allowed
    ? 'ALLOWED'
    : access.permittedCount(caller.grant, request) === 0
      ? 'NO_ROUTE_PERMITTED'
      : 'ROUTE_NOT_PERMITTED';
  // The answer is cached for the whole route key: refuse when it would be wrong elsewhere.
  if (
    request.kind !== 'graphql' &&
    'cachedByRouteKey' in request &&
    !access.routeKeyCacheable(request.cachedByRouteKey)
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
    grant: caller.grant,
  };
}

function unauthorized(reason: DecisionReason, error?: string): Unauthorized {
  return error === undefined
    ? { status: 401, effect: 'Unauthorized', reason }
    : { status: 401, effect: 'Unauthorized', reason, error };
}

/** The error's class name only: messages of foreign errors might quote the token. */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

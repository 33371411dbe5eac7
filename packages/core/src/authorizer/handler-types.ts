import type { AuthorizerPolicyResult } from '../answer/policy.js';
import {
  type AuthorizerOptions,
  type AuthorizerResult,
  createAuthorizer as create,
  type SimpleAuthorizerResult,
  type AuthorizerHandler as UntypedHandler,
} from './authorizer.js';

// Structural event types: the fields that tell the event kinds apart. `@types/aws-lambda`'s events are
// assignable to them, so this package needs no dependency on those types (or on @types/node).

/** A REST API `TOKEN` authorizer event (`APIGatewayTokenAuthorizerEvent`). */
export interface TokenAuthorizerEvent {
  readonly type: 'TOKEN';
  readonly methodArn: string;
  readonly authorizationToken: string;
}

/** A REST API or WebSocket `$connect` `REQUEST` authorizer event (`APIGatewayRequestAuthorizerEvent`). */
export interface RequestAuthorizerEvent {
  readonly type: 'REQUEST';
  readonly methodArn: string;
}

/** An HTTP API payload 2.0 authorizer event (`APIGatewayRequestAuthorizerEventV2`). */
export interface HttpApiAuthorizerEvent {
  readonly type: 'REQUEST';
  readonly version: string;
  readonly routeArn: string;
}

/**
 * The authorizer's Lambda handler. The overloads give each event kind its result type, so the handler
 * is assignable without a cast to `@types/aws-lambda`'s `APIGatewayTokenAuthorizerHandler`,
 * `APIGatewayRequestAuthorizerHandler` and, depending on `HttpApiResult`,
 * `APIGatewayRequestSimpleAuthorizerHandlerV2` or `APIGatewayRequestIAMAuthorizerHandlerV2`.
 * Any other input (last overload) is refused at run time with `Unauthorized`.
 */
export interface AuthorizerHandler<HttpApiResult extends AuthorizerResult = AuthorizerResult> {
  (event: TokenAuthorizerEvent, context?: unknown, callback?: unknown): Promise<AuthorizerPolicyResult>;
  (event: RequestAuthorizerEvent, context?: unknown, callback?: unknown): Promise<AuthorizerPolicyResult>;
  (event: HttpApiAuthorizerEvent, context?: unknown, callback?: unknown): Promise<HttpApiResult>;
  (event: unknown, context?: unknown, callback?: unknown): Promise<AuthorizerResult>;
}

/** The single place where the untyped handler (it checks every event at run time) gets its overloads. */
export function typedHandler(handler: UntypedHandler): AuthorizerHandler {
  return handler as AuthorizerHandler;
}

/**
 * One async Lambda handler for REST TOKEN and REQUEST authorizers, HTTP API payload 2.0 authorizers and
 * WebSocket `$connect` authorizers; see the implementation in `authorizer.ts` for the decisions. The
 * return type follows `httpApiResponse`: HTTP API events get an IAM policy with `'iam'` (the default), a simple
 * `{isAuthorized}` answer with `'simple'`.
 */
// The overload whose `httpApiResponse` is optional must be the one for the run-time default (`iam`).
export function createAuthorizer(
  options: AuthorizerOptions & { httpApiResponse: 'simple' },
): AuthorizerHandler<SimpleAuthorizerResult>;
export function createAuthorizer(
  options: AuthorizerOptions & { httpApiResponse?: 'iam' },
): AuthorizerHandler<AuthorizerPolicyResult>;
export function createAuthorizer(options: AuthorizerOptions): AuthorizerHandler;
export function createAuthorizer(options: AuthorizerOptions): AuthorizerHandler {
  return typedHandler(create(options));
}

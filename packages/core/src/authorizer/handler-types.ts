import type { AppSyncAuthorizerResult } from '../answer/appsync.js';
import type { AuthorizerPolicyResult } from '../answer/policy.js';
import type { SimpleAuthorizerResult } from '../answer/policy-answer.js';
import type { UntypedHandler } from './authorizer.js';

/** What the authorizer answers: an IAM policy, an HTTP API simple answer, or an AppSync answer. */
export type AuthorizerResult = AuthorizerPolicyResult | SimpleAuthorizerResult | AppSyncAuthorizerResult;

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

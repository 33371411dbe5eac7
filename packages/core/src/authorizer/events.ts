import { authorizationHeader } from '../decide/bearer.js';
import type { EventKind } from '../pipeline/decision-log.js';
import type { Setup } from '../pipeline/options.js';
import type { Runner } from '../pipeline/runner.js';
import { isRecord } from '../util/guards.js';
import type { AuthorizerResult } from './handler-types.js';

/** What the authorizer reads of an event, whatever its kind. */
export interface AuthorizerEvent {
  readonly kind: EventKind;
  /** The `Authorization` value (or AppSync's `authorizationToken`), unchecked. */
  readonly header: unknown;
  /** API Gateway: the method or route ARN. */
  readonly arn?: unknown;
  /** HTTP API only: the route key (`GET /messages/{id}`, `$default`). */
  readonly routeKey?: unknown;
  /** AppSync only: the operation name the client gave (caller-controlled). */
  readonly operationName?: unknown;
  /** REST REQUEST and HTTP API events: the request's path and query string parameters, unchecked. */
  readonly pathParameters?: unknown;
  readonly queryStringParameters?: unknown;
}

/** How one family of events is answered (policy or simple answers, AppSync's), built once per authorizer. */
export interface Door {
  /** Runs one event of its kinds through the pipeline; throws only API Gateway's `Unauthorized`. */
  handle(start: number, event: AuthorizerEvent): Promise<AuthorizerResult>;
}

/** One kind of event the authorizer answers: how to recognise and read it, and the door that answers it. */
export interface EventKindSpec {
  /** The event read, or undefined when it is not of this kind. */
  readonly read: (event: Record<string, unknown>) => AuthorizerEvent | undefined;
  /** Kinds with the same door factory share one door. */
  readonly door: (setup: Setup, runner: Runner) => Door;
}

/** A REST API `TOKEN` authorizer event. */
export function readTokenEvent(event: Record<string, unknown>): AuthorizerEvent | undefined {
  if (event.type !== 'TOKEN') return undefined;
  return { kind: 'TOKEN', arn: event.methodArn, header: event.authorizationToken };
}

/** An HTTP API payload 2.0 authorizer event; the header falls back to the single identity source. */
export function readHttpApiEvent(event: Record<string, unknown>): AuthorizerEvent | undefined {
  if (event.type !== 'REQUEST' || event.version !== '2.0') return undefined;
  let header = authorizationHeader(event.headers, undefined);
  const sources = event.identitySource;
  if (header === undefined && Array.isArray(sources) && sources.length === 1) header = sources[0];
  const rc = event.requestContext;
  const routeKey = event.routeKey ?? (isRecord(rc) ? rc.routeKey : undefined);
  return {
    kind: 'HTTP_API_V2',
    arn: event.routeArn,
    header,
    routeKey,
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
  };
}

/** A REST API `REQUEST` authorizer event (HTTP API payload 1.0 too), or a WebSocket `$connect` one. */
export function readRequestEvent(event: Record<string, unknown>): AuthorizerEvent | undefined {
  if (event.type !== 'REQUEST' || event.version === '2.0') return undefined;
  const rc = event.requestContext;
  const kind = isRecord(rc) && rc.eventType === 'CONNECT' ? 'WEBSOCKET_CONNECT' : 'REQUEST';
  return {
    kind,
    arn: event.methodArn,
    header: authorizationHeader(event.headers, event.multiValueHeaders),
    pathParameters: event.pathParameters,
    queryStringParameters: event.queryStringParameters,
  };
}

/** An AppSync Lambda authorizer event (no `type`, `requestContext.apiId`). */
export function readAppSyncEvent(event: Record<string, unknown>): AuthorizerEvent | undefined {
  if (event.type !== undefined) return undefined;
  const rc = event.requestContext;
  if (!isRecord(rc) || !('apiId' in rc)) return undefined;
  return { kind: 'APPSYNC', header: event.authorizationToken, operationName: rc.operationName };
}

/**
 * An event's path or query string parameters as strings by name (other values dropped); `{}` for `null`
 * (API Gateway's "none"), undefined when the event has no such field (a REST `TOKEN` event).
 */
export function parameters(value: unknown): Readonly<Record<string, string>> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return {};
  // fromEntries defines own properties: a `__proto__` key stays a key.
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

import { isRecord } from '../util/guards.js';

/**
 * Where a decision came from: the authorizer events (`TOKEN` … `APPSYNC`), or a request an adapter passed to
 * `createAuthenticator` (`HTTP` for Express, Fastify and Hono; `FUNCTION_URL` and `ALB` through Middy).
 */
export type EventKind =
  | 'TOKEN'
  | 'REQUEST'
  | 'HTTP_API_V2'
  | 'WEBSOCKET_CONNECT'
  | 'APPSYNC'
  | 'HTTP'
  | 'FUNCTION_URL'
  | 'ALB';

/** What the handler needs from an event, whatever its kind. */
export interface ReadEvent {
  kind: EventKind;
  arn: unknown;
  header: unknown;
  /** HTTP API only: the route key (`GET /messages/{id}`, `$default`). */
  routeKey?: unknown;
  /** AppSync only: the operation name the client gave (caller-controlled). */
  operationName?: unknown;
}

/**
 * Reads an API Gateway authorizer event: the ARN, the Authorization value and (HTTP API) the route key;
 * undefined for any other event (AppSync events are read by `readAppSyncEvent`).
 */
export function readEvent(event: unknown): ReadEvent | undefined {
  if (!isRecord(event)) return undefined;
  if (event.type === 'TOKEN')
    return { kind: 'TOKEN', arn: event.methodArn, header: event.authorizationToken };
  if (event.type !== 'REQUEST') return undefined;
  if (event.version === '2.0') {
    let header = authorizationHeader(event.headers, undefined);
    const sources = event.identitySource;
    if (header === undefined && Array.isArray(sources) && sources.length === 1) header = sources[0];
    const rc = event.requestContext;
    const routeKey = event.routeKey ?? (isRecord(rc) ? rc.routeKey : undefined);
    return { kind: 'HTTP_API_V2', arn: event.routeArn, header, routeKey };
  }
  const rc = event.requestContext;
  const kind = isRecord(rc) && rc.eventType === 'CONNECT' ? 'WEBSOCKET_CONNECT' : 'REQUEST';
  return { kind, arn: event.methodArn, header: authorizationHeader(event.headers, event.multiValueHeaders) };
}

const AMBIGUOUS = 'ambiguous';

/**
 * The `Authorization` value from `headers` and `multiValueHeaders`, any case. Several different values
 * are refused (returned as a value that will not parse as a bearer token).
 */
export function authorizationHeader(headers: unknown, multi: unknown): unknown {
  const found = new Set<unknown>();
  if (isRecord(headers)) {
    for (const k in headers) if (k.toLowerCase() === 'authorization') found.add(headers[k]);
  }
  if (isRecord(multi)) {
    for (const k in multi) {
      if (k.toLowerCase() !== 'authorization') continue;
      const values = multi[k];
      if (Array.isArray(values)) for (const v of values) found.add(v);
      else found.add(AMBIGUOUS);
    }
  }
  if (found.size === 0) return undefined;
  if (found.size > 1) return AMBIGUOUS;
  return found.values().next().value;
}

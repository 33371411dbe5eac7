import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

/** Who is calling, as the cogauth authorizer described them. */
export interface Caller {
  sub: string;
  username: string | undefined;
  groups: string[];
  scope: string | undefined;
  tokenUse: string | undefined;
  clientId: string | undefined;
  email: string | undefined;
}

export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export function isHttpApiEvent(event: ApiEvent): event is APIGatewayProxyEventV2 {
  return (event as { version?: unknown }).version === '2.0';
}

/**
 * The context the authorizer returned: REST APIs flatten it into `requestContext.authorizer`,
 * HTTP APIs put it under `requestContext.authorizer.lambda`.
 *
 * Only those keys are read. serverless-offline also injects the bearer token's claims, decoded
 * without verification, as `authorizer.claims` / `authorizer.jwt.claims`; API Gateway never does,
 * so reading them would work offline and break (or be forgeable) in AWS.
 */
function authorizerContext(event: ApiEvent): Record<string, unknown> | undefined {
  const authorizer = (event.requestContext as { authorizer?: unknown }).authorizer;
  if (typeof authorizer !== 'object' || authorizer === null) return undefined;
  if (isHttpApiEvent(event)) {
    const lambda = (authorizer as { lambda?: unknown }).lambda;
    return typeof lambda === 'object' && lambda !== null ? (lambda as Record<string, unknown>) : undefined;
  }
  return authorizer as Record<string, unknown>;
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/**
 * `groups` arrives as a JSON array string (API Gateway context values are scalars), so a group name
 * holding `,` stays one group. Anything else reads as no groups.
 */
function groupList(value: unknown): string[] {
  let items: unknown;
  try {
    items = typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    return [];
  }
  return Array.isArray(items) ? items.filter((item): item is string => typeof item === 'string') : [];
}

/** Undefined when the route is not behind the authorizer (a wiring mistake, never a valid caller). */
export function callerFromEvent(event: ApiEvent): Caller | undefined {
  const context = authorizerContext(event);
  const sub = optionalString(context?.sub);
  if (context === undefined || sub === undefined) return undefined;
  return {
    sub,
    username: optionalString(context.username),
    groups: groupList(context.groups),
    scope: optionalString(context.scope),
    tokenUse: optionalString(context.tokenUse),
    clientId: optionalString(context.clientId),
    email: optionalString(context.email),
  };
}

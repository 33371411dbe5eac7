import {
  type CognitoClaimsOptions,
  cognitoAccessClaims,
  cognitoIdClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  type TestKey,
} from '@cogauth/test-fixtures';
import type {
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import { type CognitoVerifier, createCognitoVerifier, type DecisionLog } from '../src/index.js';

export const POOL = 'us-east-1_AuthzPool1';
export const CLIENT = 'authzclient0123456789abcd';
export const ACCOUNT = '123456789012';
export const API = 'a1b2c3d4e5';
export const PREFIX = `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API}/prod/`;

export const SAMPLE_RULES = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'GET /me' },
];

export const signingKey: TestKey = generateTestKey({ alg: 'RS256', kid: 'authz-key' });
export const otherKey: TestKey = generateTestKey({ alg: 'RS256', kid: 'authz-key' });

export function verifier(
  options: { tokenUse?: 'access' | 'id' | null; cache?: false } = {},
): CognitoVerifier {
  return createCognitoVerifier(
    {
      userPoolId: POOL,
      clientId: CLIENT,
      tokenUse: options.tokenUse === undefined ? 'access' : options.tokenUse,
      jwks: jwksOf(signingKey),
    },
    options.cache === false ? { cache: false } : undefined,
  );
}

export function access(opts: CognitoClaimsOptions = {}, key: TestKey = signingKey): string {
  return signJwt(cognitoAccessClaims({ poolId: POOL, clientId: CLIENT, ...opts }), key);
}

export function id(opts: CognitoClaimsOptions = {}): string {
  return signJwt(cognitoIdClaims({ poolId: POOL, clientId: CLIENT, ...opts }), signingKey);
}

export function tokenEvent(
  authorizationToken: string,
  route = 'GET/messages',
): APIGatewayTokenAuthorizerEvent {
  return { type: 'TOKEN', authorizationToken, methodArn: PREFIX + route };
}

export function requestEvent(
  headers: Record<string, string> | null,
  route = 'GET/messages',
  multiValueHeaders: Record<string, string[]> | null = null,
): APIGatewayRequestAuthorizerEvent {
  const [method, ...path] = route.split('/');
  return {
    type: 'REQUEST',
    methodArn: PREFIX + route,
    resource: `/${path.join('/')}`,
    path: `/${path.join('/')}`,
    httpMethod: method as string,
    headers,
    multiValueHeaders:
      multiValueHeaders ??
      (headers ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])) : null),
    pathParameters: null,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: API,
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: method as string,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.7',
        user: null,
        userAgent: 'curl/8.5.0',
        userArn: null,
      },
      path: `/prod/${path.join('/')}`,
      stage: 'prod',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      requestTimeEpoch: 1764000000000,
      resourceId: 'abc123',
      resourcePath: `/${path.join('/')}`,
    },
  };
}

export function httpApiEvent(
  authorization: string | undefined,
  route = 'GET/messages',
  headerName = 'authorization',
): APIGatewayRequestAuthorizerEventV2 {
  const [method, ...path] = route.split('/');
  const rawPath = `/${path.join('/')}`;
  const headers: Record<string, string> = {
    accept: '*/*',
    host: `${API}.execute-api.us-east-1.amazonaws.com`,
  };
  if (authorization !== undefined) headers[headerName] = authorization;
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API}/$default/${route}`,
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: '',
    cookies: [],
    headers,
    requestContext: {
      accountId: ACCOUNT,
      apiId: API,
      domainName: `${API}.execute-api.us-east-1.amazonaws.com`,
      domainPrefix: API,
      http: {
        method: method as string,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl',
      },
      requestId: 'JKJaXmPLvHcESHA=',
      routeKey: `${method} ${rawPath}`,
      stage: '$default',
      time: '24/Nov/2026:13:00:00 +0000',
      timeEpoch: 1764000000000,
    },
  };
}

export function websocketConnectEvent(headers: Record<string, string>): APIGatewayRequestAuthorizerEvent {
  const base = requestEvent(headers);
  return {
    ...base,
    methodArn: `${PREFIX}$connect`,
    resource: '',
    path: '',
    httpMethod: 'GET',
    requestContext: {
      ...base.requestContext,
      routeKey: '$connect',
      eventType: 'CONNECT',
      messageDirection: 'IN',
      connectionId: 'Lf5ELcXyIAMCJyA=',
      connectedAt: 1764000000000,
      domainName: `${API}.execute-api.us-east-1.amazonaws.com`,
      resourcePath: '',
      path: '',
    },
  };
}

/** A logger that keeps entries and their serialized form. */
export function captureLogs(): { logger: (e: DecisionLog) => void; entries: DecisionLog[]; lines: string[] } {
  const entries: DecisionLog[] = [];
  const lines: string[] = [];
  return {
    entries,
    lines,
    logger: (e) => {
      entries.push(e);
      lines.push(JSON.stringify(e));
    },
  };
}

/**
 * API Gateway's evaluation of an authorizer policy for one request ARN: an explicit Deny wins, then any
 * Allow, else the implicit deny. Wildcards: `*` any run of characters (`/` included), `?` one character.
 */
export function evaluatePolicy(
  policy: {
    policyDocument: { Statement: { Effect: string; Resource: string | string[]; Condition?: unknown }[] };
  },
  requestArn: string,
): 'Allow' | 'Deny' {
  let allowed = false;
  for (const s of policy.policyDocument.Statement) {
    if (s.Condition) continue;
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => iamMatch(r, requestArn))) continue;
    if (s.Effect === 'Deny') return 'Deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'Allow' : 'Deny';
}

function iamMatch(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 's').test(value);
}

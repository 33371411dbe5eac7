import {
  type CognitoClaimsOptions,
  cognitoAccessClaims,
  cognitoIdClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  type TestAlg,
  type TestKey,
} from '@cogauth/test-fixtures';
import type {
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import {
  type CognitoVerifierOptions,
  createCognitoVerifier,
  type DecisionLog,
  type VerifierSettings,
} from '../../src/index.js';

// The one test pool, app client, API and key set of core's tests (the pool and client are the
// test-fixtures defaults, so a token minted without options belongs here).
export const POOL_ID = 'us-east-1_TestPool1';
export const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
export const CLIENT_ID = 'testclient0123456789abcdef';
export const ACCOUNT = '123456789012';
export const API = 'a1b2c3d4e5';
export const PREFIX = `arn:aws:execute-api:us-east-1:${ACCOUNT}:${API}/prod/`;

/** The rules of tests/helpers/sample-rules.json. */
export const SAMPLE_RULES = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'GET /me' },
];

const keys = new Map<string, TestKey>();
/** One key per algorithm (and optional label), generated once per test file; `key()` signs by default. */
export function key(alg: TestAlg = 'RS256', label = 'main'): TestKey {
  const id = `${alg}-${label}`;
  let k = keys.get(id);
  if (k === undefined) {
    k = generateTestKey({ alg, kid: id });
    keys.set(id, k);
  }
  return k;
}

/** Another key under `key()`'s kid: its signatures do not verify. */
export const otherKey: TestKey = generateTestKey({ alg: 'RS256', kid: 'RS256-main' });

export function accessToken(
  k: TestKey = key(),
  opts: CognitoClaimsOptions = {},
  header?: Record<string, unknown>,
): string {
  return signJwt(cognitoAccessClaims({ poolId: POOL_ID, ...opts }), k, header);
}

export function idToken(k: TestKey = key(), opts: CognitoClaimsOptions = {}): string {
  return signJwt(cognitoIdClaims({ poolId: POOL_ID, ...opts }), k);
}

export { jwksOf };

/** A verifier for the test pool with `key()` preloaded: no network involved. */
export function localVerifier(options: Partial<CognitoVerifierOptions> = {}, settings?: VerifierSettings) {
  return createCognitoVerifier(
    { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID, jwks: jwksOf(key()), ...options },
    settings,
  );
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

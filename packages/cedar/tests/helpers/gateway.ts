/**
 * What the authorizer tests need of API Gateway and Cognito: tokens signed with a key made once per file
 * and a verifier that knows it (no network), the event shapes API Gateway sends ("Input to an API Gateway
 * Lambda authorizer", REST TOKEN and REQUEST, HTTP API payload 2.0), and IAM's evaluation of a policy
 * ("IAM policy examples for API execution permissions": `*` matches any characters, `/` included; an
 * explicit Deny wins), written here with regular expressions, independently of core's matcher.
 */
import {
  type CognitoClaims,
  type CognitoVerifier,
  createCognitoVerifier,
  type PolicyDocument,
} from '@cogauth/core';
import { generateTestKey, jwksOf, signJwt, type TestKey } from '@cogauth/test-fixtures';
import { ISS, POOL } from './store.js';

export const CLIENT = '1example23456789';
export const PREFIX = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';

let key: TestKey | undefined;
function signingKey(): TestKey {
  key ??= generateTestKey({ kid: 'cedar-tests' });
  return key;
}

/** A verifier for the test pool, any token use, with the test key preloaded. */
export function verifier(): CognitoVerifier {
  return createCognitoVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    tokenUse: null,
    jwks: jwksOf(signingKey()),
  });
}

/** A signed token for the claims (times made valid now; `iss`, `client_id`/`aud` as the store expects). */
export function tokenFor(claims: CognitoClaims | Readonly<Record<string, unknown>>): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ ...claims, iss: ISS, iat: now, exp: now + 3600 }, signingKey());
}

export function tokenEvent(token: string, resource: string) {
  return { type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: PREFIX + resource };
}

export function requestEvent(
  token: string,
  resource: string,
  params: { path?: Record<string, string> | null; query?: Record<string, string> | null } = {},
) {
  const [method, ...rest] = resource.split('/');
  return {
    type: 'REQUEST',
    methodArn: PREFIX + resource,
    httpMethod: method,
    path: `/${rest.join('/')}`,
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    pathParameters: params.path ?? null,
    queryStringParameters: params.query ?? null,
    requestContext: { accountId: '123456789012', apiId: 'a1b2c3d4e5', stage: 'prod' },
  };
}

export function httpApiEvent(
  token: string,
  resource: string,
  routeKey: string,
  params: { path?: Record<string, string>; query?: Record<string, string> } = {},
) {
  const [method, ...rest] = resource.split('/');
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: PREFIX + resource,
    identitySource: [`Bearer ${token}`],
    routeKey,
    rawPath: `/${rest.join('/')}`,
    headers: { authorization: `Bearer ${token}` },
    ...(params.path ? { pathParameters: params.path } : {}),
    ...(params.query ? { queryStringParameters: params.query } : {}),
    requestContext: { http: { method, path: `/${rest.join('/')}` }, routeKey },
  };
}

function regexOf(glob: string): RegExp {
  const parts = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}

/** IAM's answer for a resource-ARN suffix (`GET/users/1`) from Allow and Deny suffix lists. */
export function policyAllows(
  policy: { allow: readonly string[]; deny: readonly string[] },
  resource: string,
): boolean {
  if (policy.deny.some((g) => regexOf(g).test(resource))) return false;
  return policy.allow.some((g) => regexOf(g).test(resource));
}

/** IAM's answer for a request ARN from a policy document, as API Gateway evaluates a cached answer. */
export function documentAllows(document: PolicyDocument, arn: string): boolean {
  let allowed = false;
  for (const s of document.Statement) {
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => regexOf(r).test(arn))) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}

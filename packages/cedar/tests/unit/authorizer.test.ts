import {
  type AuthorizerPolicyResult,
  type CognitoClaims,
  createAuthorizer,
  type DecisionLog,
  type SimpleAuthorizerResult,
} from '@cogauth/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import { directDecision } from '../helpers/cedar-direct.js';
import {
  documentAllows,
  httpApiEvent,
  PREFIX,
  requestEvent,
  tokenEvent,
  tokenFor,
  verifier,
} from '../helpers/gateway.js';
import { accessClaims, POLICIES, POOL, SCHEMA, storeToken } from '../helpers/store.js';

/*
 * The engine in place of route rules, through createAuthorizer and the events API Gateway sends: every
 * answer equals a direct Cedar isAuthorized call on the entities Verified Permissions' conventions give
 * (tests/helpers/cedar-direct.ts, the engine's other build), and every policy, cached by token and replayed
 * for the other requests of the matrix, allows none that Cedar denies.
 */

const engine = loadCedar({ policies: POLICIES, schema: SCHEMA });
const check = verifier();
const logs: DecisionLog[] = [];
const logger = (e: DecisionLog) => logs.push(e);
const rest = createAuthorizer({ verifier: check, rules: engine, logger });
const httpIam = createAuthorizer({ verifier: check, rules: engine, logger });
const httpSimple = createAuthorizer({ verifier: check, rules: engine, httpApiResponse: 'simple', logger });

/** Requests of the store's routes (the action API Gateway routes each to), and one no action names. */
const MATRIX = [
  { resource: 'GET/users', routeKey: 'GET /users', action: 'get /users' },
  { resource: 'POST/users', routeKey: 'POST /users', action: 'post /users' },
  { resource: 'GET/users/7', routeKey: 'GET /users/{id}', action: 'get /users/{id}', path: { id: '7' } },
  {
    resource: 'DELETE/users/ab',
    routeKey: 'DELETE /users/{id}',
    action: 'delete /users/{id}',
    path: { id: 'ab' },
  },
  { resource: 'GET/reports', routeKey: 'GET /reports', action: 'get /reports' },
  { resource: 'PUT/users', routeKey: 'PUT /users', action: undefined },
] as const;

function direct(claims: CognitoClaims, action: string | undefined): boolean {
  if (action === undefined) return false;
  const decision = directDecision({
    namespace: 'MyApi',
    pool: POOL,
    policies: POLICIES,
    schema: SCHEMA,
    claims,
    action,
    userAttributes: ['cognito:username', 'email', 'custom:department'],
  });
  return decision === 'allow';
}

describe('createAuthorizer({ rules: engine }) answers as Cedar decides (Verified Permissions conventions)', () => {
  it('REST TOKEN and REQUEST, HTTP API policy and simple answers, for generated tokens; cached policies never over-allow', async () => {
    await fc.assert(
      fc.asyncProperty(storeToken, async (claims) => {
        const token = tokenFor(claims);
        const expected = MATRIX.map((m) => direct(claims, m.action));
        for (const [i, m] of MATRIX.entries()) {
          const want = expected[i];
          const arn = PREFIX + m.resource;
          const params = 'path' in m ? { path: { ...m.path } } : {};
          const answers = [
            (await rest(tokenEvent(token, m.resource))) as AuthorizerPolicyResult,
            (await rest(requestEvent(token, m.resource, params))) as AuthorizerPolicyResult,
            (await httpIam(httpApiEvent(token, m.resource, m.routeKey, params))) as AuthorizerPolicyResult,
          ];
          for (const answer of answers) {
            expect([m.resource, documentAllows(answer.policyDocument, arn)]).toEqual([m.resource, want]);
            // As API Gateway's cache serves it to every other request with this token.
            MATRIX.forEach((other, j) => {
              if (documentAllows(answer.policyDocument, PREFIX + other.resource))
                expect([m.resource, other.resource, expected[j]]).toEqual([m.resource, other.resource, true]);
            });
          }
          const simple = (await httpSimple(
            httpApiEvent(token, m.resource, m.routeKey, params),
          )) as SimpleAuthorizerResult;
          // PUT /users is no action: its route key is not one the store can answer for every request.
          expect([m.resource, simple.isAuthorized]).toEqual([m.resource, want]);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the context is the one route rules give, and the log names the caller by sub', async () => {
    logs.length = 0;
    const claims = accessClaims('dev-1', ['developer'], 'openid');
    const answer = (await rest(tokenEvent(tokenFor(claims), 'GET/users'))) as AuthorizerPolicyResult;
    expect(answer.principalId).toBe('dev-1');
    expect(answer.context).toEqual({
      sub: 'dev-1',
      username: 'dev-1',
      groups: '["developer"]',
      scope: 'openid',
      tokenUse: 'access',
      clientId: '1example23456789',
    });
    expect(logs.at(-1)).toMatchObject({
      decision: 'Allow',
      reason: 'ALLOWED',
      principal: 'dev-1',
      permittedRules: 1,
    });
  });

  it('AppSync fields and WebSocket route keys have no Verified Permissions action: refused', async () => {
    const token = tokenFor(accessClaims('a', ['admin']));
    const ws = await rest({ ...requestEvent(token, 'GET/x'), methodArn: `${PREFIX}$connect` }).catch(
      (e: Error) => e,
    );
    // A WebSocket answer is for $connect alone (core's answer scoping): here a Deny, allowing nothing.
    const statements = (ws as AuthorizerPolicyResult).policyDocument.Statement;
    expect(statements.map((st) => st.Effect)).toEqual(['Deny']);
    expect(documentAllows((ws as AuthorizerPolicyResult).policyDocument, `${PREFIX}$connect`)).toBe(false);
    const appsync = await rest({
      authorizationToken: token,
      requestContext: { apiId: 'x', operationName: 'q' },
    });
    expect(appsync).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });
});

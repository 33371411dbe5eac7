import {
  type AuthorizerPolicyResult,
  createAuthorizer,
  createCognitoVerifier,
  type RouteRule,
} from '@cogauth/core';
import { cognitoAccessClaims, generateTestKey, signJwt } from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import { methodArnFor, runCheck } from '../../src/commands/check.js';

// `check` decides with core's decide(); the deployed REST handler must agree with it on every answer.

const POOL = 'us-east-1_CheckPool1';
const CLIENT = 'checkclient';
const key = generateTestKey({ kid: 'check' });
const verifier = createCognitoVerifier({
  userPoolId: POOL,
  clientId: CLIENT,
  tokenUse: 'access',
  jwks: { keys: [key.publicJwk] },
});
const RULES: RouteRule[] = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'ANY /admin/*', groups: ['admin'], scopes: ['admin/all'] },
  { route: '$connect', groups: ['writers'] },
];
const tokenFor = (groups: string[], scope?: string) =>
  signJwt(
    cognitoAccessClaims({
      poolId: POOL,
      clientId: CLIENT,
      username: 'alice',
      groups,
      ...(scope ? { scope } : {}),
    }),
    key,
  );
const arnOf = (route: string) => methodArnFor(route, 'us-east-1');

describe('cogauth check decides with core', () => {
  it('agrees with the deployed REST handler for every token and route', async () => {
    const handler = createAuthorizer({ verifier, rules: RULES, logger: () => {} });
    const tokens = [
      tokenFor([]),
      tokenFor(['writers']),
      tokenFor(['admin'], 'admin/all'),
      signJwt(cognitoAccessClaims({ poolId: POOL, clientId: CLIENT }), generateTestKey({ kid: 'check' })),
    ];
    const arns = [
      ...['GET /messages', 'POST /messages', 'DELETE /messages/42', 'PUT /admin/x/y', 'GET /nothing'].map(
        arnOf,
      ),
      'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/$connect',
    ];
    let compared = 0;
    for (const token of tokens) {
      for (const methodArn of arns) {
        const outcome = await runCheck({ verifier, rules: RULES, token, route: methodArn, methodArn });
        const deployed = (await handler({
          type: 'TOKEN',
          authorizationToken: `Bearer ${token}`,
          methodArn,
        }).catch(() => undefined)) as AuthorizerPolicyResult | undefined;
        if (deployed === undefined) {
          expect(outcome.status).toBe(401);
          expect(outcome.policyDocument).toBeNull();
        } else {
          const denied = deployed.policyDocument.Statement.some(
            (s) =>
              s.Effect === 'Deny' &&
              (s.Resource.includes(methodArn) || s.Resource.some((r) => r.endsWith('*'))),
          );
          expect(outcome.status).toBe(denied ? 403 : 200);
          expect(outcome.policyDocument).toEqual(deployed.policyDocument);
          expect(outcome.context).toEqual(deployed.context);
        }
        compared += 1;
      }
    }
    expect(compared).toBe(24);
  });

  it('lists the routes the caller may use from the decision, in rule order, and the rules for the route', async () => {
    const methodArn = arnOf('DELETE /messages/42');
    const outcome = await runCheck({
      verifier,
      rules: RULES,
      token: tokenFor(['writers']),
      route: 'DELETE /messages/42',
      methodArn,
    });
    expect(outcome).toMatchObject({
      decision: 'Deny',
      status: 403,
      reason: 'ROUTE_NOT_PERMITTED',
      permittedRoutes: ['GET /messages', 'POST /messages', '$connect'],
      matchingRules: [{ route: 'DELETE /messages/{id}', groups: ['admin'] }],
    });
    expect(outcome.context).toMatchObject({ username: 'alice', groups: '["writers"]' });
  });

  it('a WebSocket route key is decided as a route key', async () => {
    const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/$connect';
    const writer = await runCheck({
      verifier,
      rules: RULES,
      token: tokenFor(['writers']),
      route: '$connect',
      methodArn,
    });
    expect([writer.status, writer.reason]).toEqual([200, 'ALLOWED']);
    expect(writer.matchingRules).toEqual([{ route: '$connect', groups: ['writers'] }]);
    const reader = await runCheck({
      verifier,
      rules: RULES,
      token: tokenFor([]),
      route: '$connect',
      methodArn,
    });
    expect([reader.status, reader.reason]).toEqual([403, 'ROUTE_NOT_PERMITTED']);
  });

  it('refuses what the Lambda refuses before verifying: a token with a blank in it is BEARER_MALFORMED', async () => {
    const token = tokenFor(['writers']);
    const outcome = await runCheck({
      verifier,
      rules: RULES,
      token: `${token} extra`,
      route: 'GET /messages',
      methodArn: arnOf('GET /messages'),
    });
    expect([outcome.status, outcome.reason]).toEqual([401, 'BEARER_MALFORMED']);
  });
});

import { type AuthorizerPolicyResult, createAuthorizer, type DecisionLog } from '@cogauth/core';
import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import {
  documentAllows,
  httpApiEvent,
  PREFIX,
  requestEvent,
  tokenFor,
  verifier,
} from '../helpers/gateway.js';
import { accessClaims } from '../helpers/store.js';

/*
 * Cedar answers go through core's answer-size handling like the rules' (README "Answer size"): API Gateway
 * takes at most 8,192 bytes ("Lambda authorizer result size: 8 KB"), so an answer larger than that is a 401
 * ANSWER_TOO_LARGE, never sent; `answerMode: 'per-request'` answers with the request's own part instead,
 * per-request routes' own-ARN Allows included. Cedar's engine can neither list nor bound its grants, so no
 * start-up check refuses these policies: the guard per request is what keeps an answer from being rejected.
 */

const LIMIT = 8192;
const REPORTS = 80;
const report = (i: number) => `/reports/quarterly-summary-of-department-${String(i).padStart(3, '0')}/{id}`;
const engine = loadCedar({
  policies: [
    ...Array.from(
      { length: REPORTS },
      (_, i) =>
        `@id("report-${i}")\npermit (principal, action == MyApi::Action::"get ${report(i)}", resource);`,
    ),
    `@id("own-record")
    permit (principal, action == MyApi::Action::"get /users/{id}", resource)
    when { context.token.username == context.pathParameters.id };`,
  ].join('\n'),
});
const alice = tokenFor(accessClaims('alice', []));
const check = verifier();
const bytesOf = (answer: unknown) => Buffer.byteLength(JSON.stringify(answer));

function authorizer(answerMode: 'all-routes' | 'per-request') {
  const logs: DecisionLog[] = [];
  const handler = createAuthorizer({
    verifier: check,
    rules: engine,
    answerMode,
    restApiCache: 'off',
    httpApiCache: 'off',
    logger: (e) => logs.push(e),
  }) as (event: unknown) => Promise<AuthorizerPolicyResult>;
  return { handler, logs };
}

const reportArn = 'GET/reports/quarterly-summary-of-department-007/42';
/** The route key API Gateway gives an HTTP API event for the resource (`GET /users/{id}`). */
const routeKeyOf = (resource: string) =>
  resource.startsWith('GET/users/') ? 'GET /users/{id}' : `GET ${report(7)}`;
const EVENTS = {
  'REST REQUEST': (resource: string, path: Record<string, string>) => requestEvent(alice, resource, { path }),
  'HTTP API 2.0': (resource: string, path: Record<string, string>) =>
    httpApiEvent(alice, resource, routeKeyOf(resource), { path }),
};

describe('Cedar answers and the 8 KB limit', () => {
  it('loads: no start-up check (the engine neither lists nor bounds its grants)', () => {
    expect(engine.actions).toHaveLength(REPORTS + 1);
    expect(() => authorizer('all-routes')).not.toThrow();
  });

  for (const [kind, event] of Object.entries(EVENTS)) {
    it(`${kind}, all routes: a caller allowed ${REPORTS} long routes gets a 401 ANSWER_TOO_LARGE, not an answer API Gateway rejects`, async () => {
      const { handler, logs } = authorizer('all-routes');
      await expect(handler(event(reportArn, { id: '42' }))).rejects.toThrow(/^Unauthorized$/);
      expect(logs.at(-1)).toMatchObject({ decision: 'Unauthorized', reason: 'ANSWER_TOO_LARGE' });
      // The per-request route: the whole policy plus its own ARN, refused the same way.
      await expect(handler(event('GET/users/alice', { id: 'alice' }))).rejects.toThrow(/^Unauthorized$/);
      expect(logs.at(-1)).toMatchObject({ decision: 'Unauthorized', reason: 'ANSWER_TOO_LARGE' });
    });

    it(`${kind}, per request: the request's own part, under the limit, for a route by token and a per-request route`, async () => {
      const { handler, logs } = authorizer('per-request');
      const byToken = await handler(event(reportArn, { id: '42' }));
      expect(logs.at(-1)).toMatchObject({ decision: 'Allow', reason: 'ALLOWED' });
      expect(bytesOf(byToken)).toBeLessThanOrEqual(LIMIT);
      expect(byToken.policyDocument.Statement).toHaveLength(1);
      expect(documentAllows(byToken.policyDocument, PREFIX + reportArn)).toBe(true);

      const own = await handler(event('GET/users/alice', { id: 'alice' }));
      expect(logs.at(-1)).toMatchObject({ decision: 'Allow', reason: 'ALLOWED' });
      expect(bytesOf(own)).toBeLessThanOrEqual(LIMIT);
      expect(own.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/users/alice`] },
      ]);

      const other = await handler(event('GET/users/bob', { id: 'bob' }));
      expect(logs.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_PERMITTED' });
      expect(bytesOf(other)).toBeLessThanOrEqual(LIMIT);
      expect(documentAllows(other.policyDocument, `${PREFIX}GET/users/bob`)).toBe(false);
    });
  }
});

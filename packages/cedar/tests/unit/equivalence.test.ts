import { decide, parseRules } from '@cogauth/core/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCedar, rulesToCedar } from '../../src/index.js';
import { directDecision } from '../helpers/cedar-direct.js';
import { accessClaims, idClaims, POLICIES, POOL, SCHEMA, storeSub, storeToken } from '../helpers/store.js';

// Generated tokens × routes. The engine must decide exactly as (1) a direct isAuthorized call of the Cedar
// engine on entities built from Verified Permissions' documented conventions, and (2) for rules translated
// by rulesToCedar, as core's own decide on the rules.

const RUNS = 150;

const vpEngine = loadCedar({ policies: POLICIES, schema: SCHEMA });
const VP_ROUTES = [
  { method: 'GET', path: '/users', action: 'get /users' },
  { method: 'POST', path: '/users', action: 'post /users' },
  { method: 'GET', path: '/users/7', action: 'get /users/{id}' },
  { method: 'DELETE', path: '/users/abc', action: 'delete /users/{id}' },
  { method: 'GET', path: '/reports', action: 'get /reports' },
  { method: 'PUT', path: '/users', action: undefined },
] as const;

describe('the engine and a direct Cedar isAuthorized on the same entities (Verified Permissions conventions)', () => {
  it('agree on every route for generated access and ID tokens, and permitted() lists exactly the allowed actions', () => {
    fc.assert(
      fc.property(storeToken, (claims) => {
        const direct = (action: string) =>
          directDecision({
            namespace: 'MyApi',
            pool: POOL,
            policies: POLICIES,
            schema: SCHEMA,
            claims,
            action,
            userAttributes: ['cognito:username', 'email', 'custom:department'],
          });
        for (const route of VP_ROUTES) {
          const expected = route.action !== undefined && direct(route.action) === 'allow';
          expect(vpEngine.decide(claims, route).allowed).toBe(expected);
        }
        const allowed = vpEngine.actions.filter((a) => direct(a.id) === 'allow').map((a) => a.id);
        expect(vpEngine.permitted(claims).permitted.map((a) => a.id)).toEqual(allowed);
      }),
      { numRuns: RUNS },
    );
  });
});

const RULE_SETS = {
  sample: [
    { route: 'GET /messages' },
    { route: 'POST /messages', groups: ['writers'] },
    { route: 'DELETE /messages/{id}', groups: ['admin'] },
    { route: 'GET /me' },
  ],
  shapes: [
    { route: 'GET /messages' },
    { route: 'POST /messages', groups: ['writers', 'admin'] },
    { route: 'DELETE /messages/{id}', groups: ['admin'] },
    { route: 'GET /messages/{id}', scopes: ['api/read'] },
    { route: 'ANY /admin/{proxy+}', groups: ['admin'] },
    { route: 'GET /admin/health' },
    { route: 'PUT /files/*', groups: ['writers'], scopes: ['api/write', 'api/admin'] },
    { route: 'ANY /', groups: ['readers'] },
  ],
};

const REQUESTS = [
  ['GET', '/messages'],
  ['POST', '/messages'],
  ['GET', '/messages/1'],
  ['GET', '/messages/1/2'],
  ['DELETE', '/messages/1'],
  ['DELETE', '/messages'],
  ['GET', '/admin/health'],
  ['POST', '/admin/health'],
  ['GET', '/admin/x/y'],
  ['PATCH', '/admin/z'],
  ['PUT', '/files/a'],
  ['PUT', '/files/a/b'],
  ['GET', '/me'],
  ['HEAD', '/'],
  ['GET', '/unknown'],
  ['OPTIONS', '/messages'],
] as const;

const ruleToken = fc.oneof(
  fc
    .tuple(
      storeSub,
      fc.subarray(['writers', 'admin', 'readers', 'other']),
      fc.option(fc.subarray(['api/read', 'api/write', 'api/admin', 'api/readx']), { nil: undefined }),
    )
    .map(([s, groups, scopes]) => accessClaims(s, groups, scopes?.join(' '))),
  fc.tuple(storeSub, fc.subarray(['writers', 'admin', 'readers'])).map(([s, groups]) => idClaims(s, groups)),
);

describe('rules translated by rulesToCedar decide exactly as core decides with the rules', () => {
  for (const [name, rules] of Object.entries(RULE_SETS)) {
    it(`${name}: every request, generated tokens`, () => {
      const core = parseRules(rules);
      const translated = rulesToCedar(rules, { userPoolId: POOL, namespace: 'Sample' });
      const engine = loadCedar({ policies: translated.policies, schema: translated.schema });
      fc.assert(
        fc.property(ruleToken, (claims) => {
          for (const [method, path] of REQUESTS) {
            const byRules = decide({ kind: 'http', method, path }, { claims }, core).status === 200;
            expect([method, path, engine.decide(claims, { method, path }).allowed]).toEqual([
              method,
              path,
              byRules,
            ]);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

import {
  type AuthorizerPolicyResult,
  createAuthorizer,
  type RouteRule,
  type SimpleAuthorizerResult,
} from '@cogauth/core';
import { parseRules } from '@cogauth/core/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCedar, rulesToCedar } from '../../src/index.js';
import { documentAllows, httpApiEvent, PREFIX, tokenEvent, tokenFor, verifier } from '../helpers/gateway.js';
import { accessClaims, POOL } from '../helpers/store.js';

/*
 * A rules file translated by rulesToCedar, through the authorizer, answers exactly as the rules do through
 * the authorizer: for generated rule sets core accepts, every caller and every request up to three path
 * segments, the REST policy (evaluated for every request, as API Gateway's cache serves it), the decision
 * for the request itself and the HTTP API simple answer (cache off) are the same.
 */

const CALLERS = [[], ['admin'], ['users'], ['admin', 'users']].flatMap((groups) =>
  [undefined, 's'].map((scope) => ({ groups, scope })),
);
const check = verifier();
const tokens = CALLERS.map((c) =>
  tokenFor(accessClaims(`u-${c.groups.join('-')}-${c.scope ?? ''}`, c.groups, c.scope)),
);

const SEGMENT = ['a', 'b', '{id}', '*'];
const routePath = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENT), { maxLength: 2 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const ruleArb: fc.Arbitrary<RouteRule> = fc.record(
  {
    route: fc.tuple(fc.constantFrom('GET', 'POST', 'ANY'), routePath).map(([m, p]) => `${m} ${p}`),
    groups: fc.subarray(['admin', 'users'], { minLength: 1 }),
    scopes: fc.constant(['s']),
  },
  { requiredKeys: ['route'] },
);
/** Routes under one prefix and an admins-only catch-all over it: where `{param}` patterns over-reach. */
const nestedArb: fc.Arbitrary<RouteRule[]> = fc
  .tuple(
    fc.constantFrom('', '/a', '/{id}'),
    fc.array(
      fc.tuple(
        fc.constantFrom('GET', 'ANY'),
        fc.array(fc.constantFrom(...SEGMENT), { minLength: 1, maxLength: 2 }),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
    fc.constantFrom<Omit<RouteRule, 'route'>>({}, { groups: ['users', 'admin'] }, { scopes: ['s'] }),
  )
  .map(([prefix, inner, requirement]) => [
    ...inner.map(([m, segments]) => ({ route: `${m} ${prefix}/${segments.join('/')}`, ...requirement })),
    { route: `ANY ${prefix}/{proxy+}`, groups: ['admin'] },
  ]);

function requestsFor(rules: readonly RouteRule[]): string[] {
  const words = new Set(['z']);
  for (const r of rules)
    for (const s of (r.route.split(' ')[1] as string).split('/')) if (/^[a-z]+$/.test(s)) words.add(s);
  const paths = ['/'];
  for (let n = 0; n < paths.length; n++) {
    const p = paths[n] as string;
    if (p.split('/').length <= 3) for (const w of words) paths.push(`${p === '/' ? '' : p}/${w}`);
  }
  return ['GET', 'POST'].flatMap((m) => paths.map((p) => `${m}${p}`));
}

async function differences(rules: readonly RouteRule[]): Promise<string[]> {
  const translated = rulesToCedar(rules, { userPoolId: POOL, namespace: 'Sample' });
  const engine = loadCedar({ policies: translated.policies, schema: translated.schema });
  const byRules = createAuthorizer({ verifier: check, rules, logger: () => {} });
  const byCedar = createAuthorizer({ verifier: check, rules: engine, logger: () => {} });
  const simpleRules = createAuthorizer({
    verifier: check,
    rules,
    httpApiResponse: 'simple',
    httpApiCache: 'off',
    logger: () => {},
  });
  const simpleCedar = createAuthorizer({
    verifier: check,
    rules: engine,
    httpApiResponse: 'simple',
    httpApiCache: 'off',
    logger: () => {},
  });
  const requests = requestsFor(rules);
  const wrong: string[] = [];
  for (const [c, token] of tokens.entries()) {
    // One cached policy per token, as API Gateway keeps it, checked against every request.
    const first = requests[0] as string;
    const ruleDoc = ((await byRules(tokenEvent(token, first))) as AuthorizerPolicyResult).policyDocument;
    const cedarDoc = ((await byCedar(tokenEvent(token, first))) as AuthorizerPolicyResult).policyDocument;
    for (const resource of requests) {
      const at = `caller ${c} ${resource}`;
      const arn = PREFIX + resource;
      if (documentAllows(ruleDoc, arn) !== documentAllows(cedarDoc, arn)) wrong.push(`cached policy ${at}`);
      const own = async (h: typeof byRules) =>
        documentAllows(
          ((await h(tokenEvent(token, resource))) as AuthorizerPolicyResult).policyDocument,
          arn,
        );
      if ((await own(byRules)) !== (await own(byCedar))) wrong.push(`answer ${at}`);
      const [method, ...path] = resource.split('/');
      const event = httpApiEvent(token, resource, `${method} /${path.join('/')}`);
      const simple = async (h: typeof simpleRules) =>
        ((await h(event)) as SimpleAuthorizerResult).isAuthorized;
      if ((await simple(simpleRules)) !== (await simple(simpleCedar))) wrong.push(`simple ${at}`);
    }
  }
  return wrong;
}

describe('rules → rulesToCedar → the authorizer answers as the rules through the authorizer', () => {
  it('the sample rules and the shapes of the rule grammar', async () => {
    const sets: RouteRule[][] = [
      [
        { route: 'GET /messages' },
        { route: 'POST /messages', groups: ['users'] },
        { route: 'DELETE /messages/{id}', groups: ['admin'] },
      ],
      [{ route: 'GET /x/{id}' }, { route: 'ANY /x/{proxy+}', groups: ['admin'] }],
      [
        { route: 'GET /users/{id}', groups: ['users', 'admin'] },
        { route: 'ANY /{proxy+}', groups: ['admin'] },
      ],
      [
        { route: 'ANY /admin/{proxy+}', groups: ['admin'] },
        { route: 'GET /admin/health' },
        { route: 'PUT /files/*', scopes: ['s'] },
      ],
    ];
    for (const rules of sets)
      expect([JSON.stringify(rules), await differences(rules)]).toEqual([JSON.stringify(rules), []]);
  });

  it('generated rule sets core accepts', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), nestedArb),
        async (rules) => {
          try {
            parseRules(rules);
          } catch {
            return;
          }
          checked++;
          expect([JSON.stringify(rules), await differences(rules)]).toEqual([JSON.stringify(rules), []]);
        },
      ),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(20);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuthorizerPolicyResult, createAuthorizer, type RouteRule } from '../../src/index.js';
import { HTTP_VERBS, parseRules } from '../../src/rules.js';
import { apiRoute, selectRoutes } from '../helpers/api-gateway.js';
import { evaluatePolicy } from '../helpers/assertions.js';
import { accessToken, key, localVerifier, PREFIX, tokenEvent } from '../helpers/fixtures.js';

/*
 * API Gateway caches an authorizer's policy by token and reuses it for every route the token is sent to.
 * Property: the policy returned for ANY one route, evaluated the way API Gateway evaluates it, allows
 * exactly what a fresh answer for each other request allows, and for a request some rule's route receives,
 * exactly what that route's rules grant the caller. The reference is tests/helpers/api-gateway.ts, written
 * from API Gateway's route selection independently of src/: the route selected for the request decides.
 */

const GROUPS = ['admin', 'writers', 'readers'];
const SCOPES = ['api/read', 'api/write'];
const SEGMENTS = ['messages', 'me', 'admin', 'a_b', '{id}', '*', 'health'];
const VALUES = ['42', 'x_y', 'messages', 'me', 'admin', 'health', 'a_b'];

const routePath = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([segs, greedy]) => `/${[...segs, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);

const rule: fc.Arbitrary<RouteRule> = fc.record(
  {
    route: fc.tuple(fc.constantFrom(...HTTP_VERBS, 'ANY'), routePath).map(([m, p]) => `${m} ${p}`),
    groups: fc.subarray(GROUPS, { minLength: 1 }),
    scopes: fc.subarray(SCOPES, { minLength: 1 }),
  },
  { requiredKeys: ['route'] },
);

const caller = fc.record({ groups: fc.subarray(GROUPS), scopes: fc.subarray(SCOPES) });

/** Whether the route API Gateway selects for the request grants it; undefined when no rule's route matches. */
function referencePermits(
  rules: readonly RouteRule[],
  c: { groups: string[]; scopes: string[] },
  m: string,
  path: string,
): boolean | undefined {
  if (path.includes('{')) return undefined; // a route template (serverless-offline): no request path
  const chosen = selectRoutes(
    rules.map((r) => ({ ...apiRoute(r.route), rule: r })),
    m,
    path,
  );
  if (chosen.length === 0) return undefined;
  return chosen.some(({ rule: r }) => {
    if (r.groups && !r.groups.some((g) => c.groups.includes(g))) return false;
    if (r.scopes && !r.scopes.some((s) => c.scopes.includes(s))) return false;
    return true;
  });
}

/** Concrete request paths for a route path, plus the template itself (serverless-offline sends that). */
function requestsFor(rulePath: string): string[] {
  const concrete = rulePath
    .split('/')
    .map((s, i) =>
      s === '{proxy+}' ? 'x/y/z' : s === '*' || s.startsWith('{') ? (VALUES[i % VALUES.length] as string) : s,
    )
    .join('/');
  return [rulePath, concrete, `${concrete}/extra`];
}

describe('cache safety', () => {
  const v = localVerifier();

  it('a policy computed for one route allows exactly the rule-permitted routes', async () => {
    let checkedRuleSets = 0;
    let served = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { minLength: 1, maxLength: 8 }),
        caller,
        fc.nat(),
        fc.array(fc.tuple(fc.constantFrom(...HTTP_VERBS), routePath), { maxLength: 4 }),
        async (rules, c, pick, extra) => {
          let parsed: readonly RouteRule[];
          try {
            parsed = parseRules(rules);
          } catch {
            return; // rule sets whose requirements a policy cannot enforce are refused at start-up
          }
          checkedRuleSets++;
          const handler = createAuthorizer({ verifier: v, rules: parsed, logger: () => {} });
          const token = accessToken(key(), { groups: c.groups, scope: ['openid', ...c.scopes].join(' ') });

          const requests: [string, string][] = [];
          for (const r of parsed) {
            const [m, p] = r.route.split(' ') as [string, string];
            const methods = m === 'ANY' ? HTTP_VERBS : [m];
            for (const method of methods) for (const path of requestsFor(p)) requests.push([method, path]);
          }
          for (const [m, p] of extra) for (const path of requestsFor(p)) requests.push([m, path]);

          const [firstMethod, firstPath] = requests[pick % requests.length] as [string, string];
          const policy = (await handler(
            tokenEvent(`Bearer ${token}`, `${firstMethod}${firstPath}`),
          )) as AuthorizerPolicyResult;

          for (const [m, p] of requests) {
            const cached = evaluatePolicy(policy, `${PREFIX}${m}${p}`);
            const fresh = (await handler(
              tokenEvent(`Bearer ${token}`, `${m}${p}`),
            )) as AuthorizerPolicyResult;
            expect(evaluatePolicy(fresh, `${PREFIX}${m}${p}`), `fresh ${m} ${p}`).toBe(cached);
            const permits = referencePermits(parsed, c, m, p);
            if (permits === undefined) continue;
            served++;
            expect(cached, `${m} ${p}`).toBe(permits ? 'Allow' : 'Deny');
          }
        },
      ),
      {
        numRuns: 300,
        examples: [[[{ route: 'ANY /admin/*' }], { groups: [], scopes: [] }, 0, [['GET', '/me/admin/{id}']]]],
      },
    );
    expect(checkedRuleSets).toBeGreaterThan(60);
    expect(served).toBeGreaterThan(1000);
  });
});

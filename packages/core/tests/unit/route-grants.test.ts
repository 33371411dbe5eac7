import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactResources } from '../../src/answer/compact.js';
import { RouteAccess } from '../../src/decide/route-access.js';
import { compiledRules } from '../../src/decide/rules.js';
import type { RouteRule } from '../../src/index.js';
import { parseRules, routeGrants } from '../../src/rules.js';
import { apiRoute, policyEvaluator, selectRoutes } from '../helpers/api-gateway.js';
import { PREFIX } from '../helpers/fixtures.js';

/*
 * routeGrants: API Gateway's route selection and cache-safe IAM answers for grants that are any set of
 * routes (an access model such as Cedar's, which permits each route on its own). Checked against the model
 * of API Gateway in tests/helpers/api-gateway.ts, written from its guides independently of src/.
 */

const SEGMENT = ['a', 'b', '{id}', '*'];
const routePath = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENT), { maxLength: 2 }), fc.boolean())
  .map(([segments, greedy]) => `/${[...segments, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const routeArb = fc.tuple(fc.constantFrom('GET', 'POST', 'ANY'), routePath).map(([m, p]) => `${m} ${p}`);
/** Distinct routes as API Gateway would hold them (one route per route key). */
const routeSetArb = fc.uniqueArray(routeArb, {
  minLength: 1,
  maxLength: 5,
  selector: (r) => apiRoute(r).routeKey,
});

/** Every request up to three segments over the routes' literals and a word none of them names. */
function requestsFor(routes: readonly string[]): (readonly [string, string])[] {
  const words = new Set(['z']);
  for (const r of routes)
    for (const s of (r.split(' ')[1] as string).split('/')) if (/^[a-z]+$/.test(s)) words.add(s);
  const paths = ['/'];
  for (let n = 0; n < paths.length; n++) {
    const p = paths[n] as string;
    if (p.split('/').length <= 3) for (const w of words) paths.push(`${p === '/' ? '' : p}/${w}`);
  }
  return ['GET', 'POST', 'DELETE'].flatMap((m) => paths.map((p) => [m, p] as const));
}

function evaluatorOf(policy: { allow: readonly string[]; deny: readonly string[] }) {
  const statement = (effect: string, resources: readonly string[]) =>
    resources.length === 0 ? [] : [{ Effect: effect, Resource: resources.map((r) => PREFIX + r) }];
  return policyEvaluator({
    policyDocument: { Statement: [...statement('Allow', policy.allow), ...statement('Deny', policy.deny)] },
  });
}

describe('routeGrants', () => {
  it('selects the route API Gateway selects, and a grant’s policy never allows a request routed to a route it lacks', () => {
    const stats = { exact: 0, overDenied: 0 };
    fc.assert(
      fc.property(routeSetArb, fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), (routes, bits) => {
        const grants = routeGrants(routes);
        const permitted = routes.map((_, i) => i).filter((i) => bits[i]);
        const policy = grants.policyFor(permitted);
        const evaluate = evaluatorOf(policy);
        const model = routes.map((route, index) => ({ ...apiRoute(route), index }));
        for (const [method, path] of requestsFor(routes)) {
          const chosen = selectRoutes(model, method, path).map((r) => r.index);
          expect([method, path, [...grants.select(method, path)]]).toEqual([method, path, chosen]);
          const allowed = evaluate(`${PREFIX}${method}${path}`) === 'Allow';
          expect(policy.allows(method, path)).toBe(allowed);
          expect(policy.denies(method, path)).toBe(
            evaluatorOf({ allow: ['*'], deny: policy.deny })(`${PREFIX}${method}${path}`) === 'Deny',
          );
          if (chosen.length === 0) continue;
          const granted = chosen.every((i) => permitted.includes(i));
          if (!granted) expect([method, path, allowed]).toEqual([method, path, false]);
          else if (allowed) stats.exact++;
          else stats.overDenied++;
        }
      }),
      { numRuns: 300 },
    );
    // Most granted requests are allowed; the rest are grants no policy can express (fail closed).
    expect(stats.exact).toBeGreaterThan(stats.overDenied * 5);
  });

  it('for a grant route rules can express, the policy is the one the rules get (same Allows, same Denies)', () => {
    const ruleArb: fc.Arbitrary<RouteRule> = fc.record(
      { route: routeArb, groups: fc.subarray(['admin', 'users'], { minLength: 1 }) },
      { requiredKeys: ['route'] },
    );
    let checked = 0;
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), (rules) => {
        let compiled: ReturnType<typeof compiledRules>;
        try {
          compiled = compiledRules(parseRules(rules));
        } catch {
          return; // a rule set core refuses: no policy expresses it for every caller
        }
        const access = new RouteAccess(compiled);
        const grants = routeGrants(rules.map((r) => r.route));
        for (const groups of [[], ['admin'], ['users'], ['admin', 'users']]) {
          const caller = access.callerOf(
            Object.freeze({ sub: 's', iss: 'i', exp: 1, 'cognito:groups': groups, token_use: 'access' }),
          );
          if (!('grant' in caller)) throw new Error('no caller');
          const held = caller.grant.http.map((r) => r.index);
          // Compared as answered (compacted): the rules' own lists already drop what another covers.
          const ours = compactResources(grants.policyFor(held));
          const theirs = compactResources(access.policyOf(caller.grant));
          const sorted = (list: readonly string[]) => [...new Set(list)].sort();
          expect(sorted(ours.allow)).toEqual(sorted(theirs.allow));
          expect(sorted(ours.deny)).toEqual(sorted(theirs.deny));
          checked++;
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(200);
  });

  it('names the route every request of an HTTP API route key selects, or -1 where they would differ', () => {
    fc.assert(
      fc.property(routeSetArb, (routes) => {
        const grants = routeGrants(routes);
        const model = routes.map((route, index) => ({ ...apiRoute(route), index }));
        for (const m of model) {
          const at = grants.routeOfKey(m.routeKey);
          if (at < 0) continue;
          expect(at).toBe(m.index);
          for (const [method, path] of requestsFor(routes)) {
            if (selectRoutes(model, method, path)[0]?.index !== m.index) continue;
            expect([...grants.select(method, path)]).toEqual([m.index]);
          }
        }
      }),
      { numRuns: 300 },
    );
    const grants = routeGrants(['GET /users/{id}', 'GET /users/me', 'ANY /files/{proxy+}', 'POST /users']);
    expect(grants.routeOfKey('GET /users/{userId}')).toBe(-1); // GET /users/me is cut out of it
    expect(grants.routeOfKey('GET /users/me')).toBe(1);
    expect(grants.routeOfKey('POST /users')).toBe(3);
    expect(grants.routeOfKey('ANY /files/{proxy+}')).toBe(-1);
    expect(grants.routeOfKey('$default')).toBe(-1);
    expect(grants.routeOfKey(7)).toBe(-1);
  });

  it('a more specific route a grant lacks is denied explicitly where it takes requests of a granted one', () => {
    const grants = routeGrants(['GET /users/{id}', 'GET /users/me', 'ANY /users/{id}/{proxy+}']);
    const user = grants.policyFor([0]);
    expect(user.allow).toEqual(['GET/users/*']);
    expect(user.deny).toEqual(['GET/users/*/*', 'GET/users/me']);
    expect(user.allows('GET', '/users/42')).toBe(true);
    expect(user.allows('GET', '/users/me')).toBe(false);
    expect(user.allows('GET', '/users/42/posts')).toBe(false);
    expect(grants.policyFor([0, 1, 2]).deny).toEqual([]);
  });

  it('lists the routes a case-blind router may pick although they do not match as written', () => {
    const grants = routeGrants(['GET /{page}', 'GET /admin', 'GET /Reports/{id}']);
    expect(grants.caseBlindOnly('GET', '/ADMIN')).toEqual([1]);
    expect(grants.caseBlindOnly('GET', '/admin')).toEqual([]);
    expect(grants.caseBlindOnly('GET', '/reports/1')).toEqual([2]);
    expect(grants.caseBlindOnly('POST', '/ADMIN')).toEqual([]);
  });

  it('refuses what is no HTTP route, naming it', () => {
    expect(() => routeGrants(['GET /a', '$connect'])).toThrow('routes[1]: is no HTTP route: "$connect"');
  });
});

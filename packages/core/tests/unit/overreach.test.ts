import { describe, expect, it } from 'vitest';
import { overreachOf, reachOf, routesOf } from '../../src/decide/overreach.js';
import { HTTP_VERBS, type RouteTemplate, routeTemplate } from '../../src/decide/route.js';
import { compileRules, parseRules, type RouteRule } from '../../src/decide/rules.js';
import { compareSpecificity } from '../../src/decide/template.js';
import { apiRoute, selectRoutes } from '../helpers/api-gateway.js';
import { SAMPLE_RULES } from '../helpers/fixtures.js';

const compiled = (rules: RouteRule[]) => compileRules(parseRules(rules));
// The search itself does not need a set parseRules accepts.
const routes = (rules: RouteRule[]) => routesOf(compileRules(rules));
const indices = (rules: readonly { index: number }[]) => rules.map((r) => r.index).sort();

describe('route specificity', () => {
  // "Routing API requests", HTTP API developer guide: the example routes, most specific first, and its table.
  const GUIDE = ['GET /pets/dog/1', 'GET /pets/dog/{id}', 'GET /pets/{proxy+}', 'ANY /{proxy+}'];

  it('ranks the guide’s example routes in the guide’s order, and a verb before ANY', () => {
    const t = (route: string) => routeTemplate(route) as RouteTemplate;
    for (let i = 0; i + 1 < GUIDE.length; i++) {
      expect(compareSpecificity(t(GUIDE[i] as string), t(GUIDE[i + 1] as string)), GUIDE[i]).toBeGreaterThan(
        0,
      );
    }
    expect(compareSpecificity(t('GET /x/{id}'), t('ANY /x/{id}'))).toBeGreaterThan(0);
    // The path first: a full match with ANY before a greedy match with the verb.
    expect(compareSpecificity(t('ANY /x/{id}'), t('GET /x/{p+}'))).toBeGreaterThan(0);
    expect(compareSpecificity(t('GET /x/{a}'), t('GET /x/{b}'))).toBe(0);
  });

  it('the test model selects the guide’s routes for the guide’s requests', () => {
    const api = GUIDE.map(apiRoute);
    const chosen = (m: string, p: string) => selectRoutes(api, m, p).map((r) => r.route);
    expect(chosen('GET', '/pets/dog/1')).toEqual(['GET /pets/dog/1']);
    expect(chosen('GET', '/pets/dog/2')).toEqual(['GET /pets/dog/{id}']);
    expect(chosen('GET', '/pets/cat/1')).toEqual(['GET /pets/{proxy+}']);
    expect(chosen('POST', '/test/5')).toEqual(['ANY /{proxy+}']);
  });
});

describe('over-reach', () => {
  it('finds the routes a doubled wildcard reaches, however many segments a wildcard takes', () => {
    const r = routes([{ route: 'GET /x/{id}' }, { route: 'GET /x/{a}/{b}/{c}', groups: ['g'] }]);
    // x/1/2/3: the first wildcard takes 1, the second 2/3 (or the first 1/2 and the second 3).
    expect(indices(reachOf('x/*/*', r))).toEqual([1]);
  });

  it('selects the most specific route for each request: a literal before a catch-all', () => {
    const r = routes([
      { route: 'GET /x/{id}' },
      { route: 'GET /x/{id}/view' },
      { route: 'ANY /x/{proxy+}', groups: ['admin'] },
      { route: 'GET /y/{proxy+}', groups: ['other'] },
    ]);
    expect(indices(reachOf('x/*/*', r))).toEqual([1, 2]);
    expect(indices(reachOf('x/*/*/view', r))).toEqual([2]);
  });

  it('lists a Deny only where a stricter rule is reached, per verb', () => {
    const { entries } = overreachOf(
      compiled([{ route: 'ANY /x/{id}' }, { route: 'ANY /{proxy+}', groups: ['admin'] }]),
    );
    expect(entries.map((e) => e.resource)).toEqual(HTTP_VERBS.map((v) => `${v}/x/*/*`));
    expect(entries.every((e) => e.rule.index === 0 && indices(e.reach).join() === '1')).toBe(true);
    // Another verb's catch-all is never reached.
    expect(
      overreachOf(compiled([{ route: 'GET /x/{id}' }, { route: 'POST /x/{proxy+}', groups: ['admin'] }]))
        .entries,
    ).toEqual([]);
    expect(overreachOf(compiled(SAMPLE_RULES)).entries).toEqual([]);
    // Everyone the {id} rule admits may use the catch-all too: nothing to deny.
    const open = compiled([
      { route: 'GET /x/{id}', groups: ['admin'] },
      { route: 'ANY /x/{proxy+}', groups: ['admin'] },
    ]);
    expect(overreachOf(open).entries).toEqual([]);
  });

  it('denies per caller: only callers whom none of the reached rules admit', () => {
    const rules = compiled([{ route: 'GET /x/{id}' }, { route: 'ANY /x/{proxy+}', groups: ['admin'] }]);
    const overreach = overreachOf(rules);
    expect(overreach.deniesFor([rules[0] as never])).toEqual(['GET/x/*/*']);
    expect(overreach.deniesFor(rules)).toEqual([]);
    expect(overreach.deniesFor([])).toEqual([]);
  });
});

import type { RouteRule } from '../../src/index.js';

/**
 * A REST-style rule set of `n` routes over n/5 resources (`/api/v1/resource<i>`): the collection's GET and
 * POST, the item's GET, PUT and DELETE; writes need `writers` or `admin`, deletes `admin`.
 */
export function routeSet(n: number): RouteRule[] {
  const shapes = [
    ['GET', ''],
    ['POST', ''],
    ['GET', '/{id}'],
    ['PUT', '/{id}'],
    ['DELETE', '/{id}'],
  ] as const;
  const rules: RouteRule[] = [];
  for (let i = 0; rules.length < n; i++) {
    const [verb, tail] = shapes[i % shapes.length] as (typeof shapes)[number];
    const route = `${verb} /api/v1/resource${Math.floor(i / shapes.length)}${tail}`;
    if (verb === 'DELETE') rules.push({ route, groups: ['admin'] });
    else if (verb === 'GET') rules.push({ route });
    else rules.push({ route, groups: ['writers', 'admin'] });
  }
  return rules;
}

/**
 * API Gateway as the rule tests need it, written from its documentation and independently of src/.
 *
 * Route selection. HTTP APIs ("Create routes for HTTP APIs", section "Routing API requests",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html): API Gateway
 * picks the most specific match, first a route whose path and method fully match, then a route with a greedy
 * path variable (`{proxy+}`), then `$default`; a path variable (`GET /pets/{petID}`) catches one segment, a
 * greedy one every child resource; `ANY` stands for the methods a route's path does not define (the guide's
 * table sends `GET /pets/dog/2` to `GET /pets/dog/{id}`, `GET /pets/cat/1` to `GET /pets/{proxy+}` and
 * `POST /test/5` to `ANY /{proxy+}`). REST APIs ("Set up a proxy integration with a proxy resource",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html): a
 * `{proxy+}` resource represents the child resources of its parent that the resource tree does not define
 * otherwise. Where both guides are silent (two full matches such as `/{a}/b` and `/a/{b}`), the model walks
 * the path left to right as a resource tree is walked: a literal segment before a path variable before the
 * greedy rest, and only then a method before `ANY`.
 *
 * A rule's `*` segment is not an API Gateway route segment; the model reads it as the route it stands for:
 * a path variable before the last segment, a greedy one as the last.
 *
 * Policies ("IAM policy examples for API execution permissions",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-iam-policy-examples-for-api-execution.html):
 * `*` in a resource matches any characters, `/` included (there is no one-segment wildcard), and an explicit
 * Deny wins over any Allow.
 */

type Segment = { readonly literal: string } | 'param' | 'greedy';

export interface ApiRoute {
  /** The rule's route as written. */
  readonly route: string;
  /** As an API Gateway route key (`*` spelled as the path variable it stands for). */
  readonly routeKey: string;
  readonly method: string;
  readonly segments: readonly Segment[];
}

export function apiRoute(route: string): ApiRoute {
  const [method, path] = route.split(' ') as [string, string];
  const parts = path === '/' ? [] : path.slice(1).split('/');
  const segments = parts.map((p, i): Segment => {
    const last = i === parts.length - 1;
    if (p.endsWith('+}') || (p === '*' && last)) return 'greedy';
    if (p.startsWith('{') || p === '*') return 'param';
    return { literal: p };
  });
  const key = segments.map((s, i) => (s === 'greedy' ? '{proxy+}' : s === 'param' ? `{p${i}}` : s.literal));
  return { route, routeKey: `${method} /${key.join('/')}`, method, segments };
}

/** The segments of a request path without empty segments (`/` has none). */
export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

function matches(route: ApiRoute, method: string, path: readonly string[]): boolean {
  if (route.method !== 'ANY' && route.method !== method) return false;
  for (let i = 0; i < route.segments.length; i++) {
    const s = route.segments[i] as Segment;
    if (s === 'greedy') return path.length > i;
    if (i >= path.length) return false;
    if (s !== 'param' && s.literal !== path[i]) return false;
  }
  return path.length === route.segments.length;
}

/** How specific a route is, position by position: literal 2, path variable 1, greedy 0; then the method. */
function specificity(route: ApiRoute): number[] {
  const weights: number[] = route.segments.map((s) => (s === 'greedy' ? 0 : s === 'param' ? 1 : 2));
  if (route.segments.at(-1) !== 'greedy') weights.push(3); // the path ends here: more specific than a greedy rest
  return [...weights, route.method === 'ANY' ? 0 : 1];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** The routes API Gateway selects for `method path` (several only when equally specific); [] is 404. */
export function selectRoutes<R extends ApiRoute>(routes: readonly R[], method: string, path: string): R[] {
  const segments = pathSegments(path);
  let best: R[] = [];
  for (const route of routes) {
    if (!matches(route, method, segments)) continue;
    const order = best.length === 0 ? 1 : compare(specificity(route), specificity(best[0] as R));
    if (order > 0) best = [route];
    else if (order === 0) best.push(route);
  }
  return best;
}

/** API Gateway's evaluation of a policy for many request ARNs: regular expressions built once. */
export function policyEvaluator(policy: {
  policyDocument: { Statement: { Effect: string; Resource: string | string[]; Condition?: unknown }[] };
}): (requestArn: string) => 'Allow' | 'Deny' {
  const compiled = policy.policyDocument.Statement.filter((s) => !s.Condition).map((s) => ({
    effect: s.Effect,
    patterns: (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).map(
      (r) =>
        new RegExp(
          `^${r
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
          's',
        ),
    ),
  }));
  return (arn) => {
    let allowed = false;
    for (const s of compiled) {
      if (!s.patterns.some((p) => p.test(arn))) continue;
      if (s.effect === 'Deny') return 'Deny';
      if (s.effect === 'Allow') allowed = true;
    }
    return allowed ? 'Allow' : 'Deny';
  };
}

import { globContains, globsOverlap } from './glob.js';
import { overreachOf } from './overreach.js';
import { HTTP_VERBS, type RouteTemplate, routeResources, routeTemplate } from './route.js';
import type { CompiledRule } from './rules.js';
import { patternMeetsTemplate } from './template.js';

/** Route keys are API Gateway's own (`GET /messages/{id}`); anything longer is not one we can check. */
const MAX_ROUTE_KEY_LENGTH = 2048;

/**
 * Whether every request an HTTP API route key covers gets the same decision for any caller, so that a
 * simple response (`isAuthorized` for this request only), cached by API Gateway under
 * [Authorization, routeKey], is right for the other requests of the route too. The decision is the
 * policy's (rules.ts `isRouteAllowed`): permitted patterns, minus the Denies for their over-reach. It is
 * the same for the whole route when every such pattern either contains every request of the route or
 * matches none of them. The route's requests are those API Gateway sends it: `{param}` one segment,
 * `{proxy+}` one or more, `ANY` every verb, `$default` everything; a route key that does not parse is not
 * cacheable.
 */
export function isRouteKeyCacheable(rules: readonly CompiledRule[], routeKey: unknown): boolean {
  if (typeof routeKey !== 'string' || routeKey.length > MAX_ROUTE_KEY_LENGTH) return false;
  const patterns = [
    ...rules.flatMap((r) => r.resources),
    ...overreachOf(rules).entries.map((e) => e.resource),
  ];
  const route = routeOf(routeKey);
  if (route === undefined) return false;
  for (const pattern of patterns) {
    if (route.every((r) => globContains(pattern, r.resource))) continue;
    if (route.some((r) => meets(pattern, r))) return false;
  }
  return true;
}

/**
 * A route key's requests, one entry per verb: its resource (`GET/messages/*`) and, for an HTTP route, its
 * template (which requests API Gateway sends it). `$default` takes every path; a WebSocket route key such as
 * `$connect` is its own resource.
 */
interface RouteOfVerb {
  readonly resource: string;
  readonly template?: RouteTemplate;
}

function routeOf(routeKey: string): RouteOfVerb[] | undefined {
  if (routeKey === '$default') return HTTP_VERBS.map((verb) => ({ resource: `${verb}/*` }));
  const resources = routeResources(routeKey);
  if (resources === undefined) return undefined;
  const template = routeTemplate(routeKey);
  return resources.map((resource) => (template ? { resource, template } : { resource }));
}

/** Whether the policy pattern matches some request of the route. */
function meets(pattern: string, route: RouteOfVerb): boolean {
  if (route.template === undefined) return globsOverlap(pattern, route.resource);
  const verb = route.resource.slice(0, route.resource.indexOf('/') + 1);
  if (!pattern.startsWith(verb)) return false;
  const path = pattern.slice(verb.length);
  return patternMeetsTemplate(path === '' ? [] : path.split('/'), route.template);
}

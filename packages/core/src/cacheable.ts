import { globContains, globsOverlap } from './glob.js';
import { HTTP_VERBS, routeResources } from './route.js';
import type { CompiledRule } from './rules.js';

/** Route keys are API Gateway's own (`GET /messages/{id}`); anything longer is not one we can check. */
const MAX_ROUTE_KEY_LENGTH = 2048;
/** `$default` receives every request the other routes do not: every verb, any path. */
const DEFAULT_ROUTE: readonly string[] = HTTP_VERBS.map((verb) => `${verb}/*`);

/**
 * Whether every request an HTTP API route key covers gets the same decision for any caller, so that a
 * simple response (`isAuthorized` for this request only), cached by API Gateway under
 * [Authorization, routeKey], is right for the other requests of the route too. True when each rule
 * either contains every resource of the route or overlaps none of them. `{param}` and `{proxy+}` count
 * as `*` (wider than API Gateway's one-segment `{param}`, so the answer errs on "not cacheable");
 * `ANY` is every verb; a route key that does not parse is not cacheable.
 */
export function isRouteKeyCacheable(rules: readonly CompiledRule[], routeKey: unknown): boolean {
  if (typeof routeKey !== 'string' || routeKey.length > MAX_ROUTE_KEY_LENGTH) return false;
  const route = routeKey === '$default' ? DEFAULT_ROUTE : routeResources(routeKey);
  if (route === undefined) return false;
  return rules.every((rule) => contains(rule.resources, route) || !overlaps(rule.resources, route));
}

function contains(rule: readonly string[], route: readonly string[]): boolean {
  return route.every((r) => rule.some((g) => globContains(g, r)));
}

function overlaps(rule: readonly string[], route: readonly string[]): boolean {
  return route.some((r) => rule.some((g) => globsOverlap(g, r)));
}

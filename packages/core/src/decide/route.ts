/**
 * The route grammar shared by rules, policies and HTTP API route keys: verbs, path templates and the
 * resource-ARN suffixes (`*`-globs, see glob.ts) they stand for.
 */

export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpVerb = (typeof HTTP_VERBS)[number];
/** `ANY` and `*` both mean every verb. */
export type PolicyVerb = HttpVerb | 'ANY' | '*';

const PARAM = /^\{[A-Za-z0-9._-]+\}$/;
const GREEDY = /^\{[A-Za-z0-9._-]+\+\}$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@%-]+$/;

/**
 * Converts a route path to the path part of a resource ARN. `{param}`, `{proxy+}` and a `*` segment become
 * the IAM wildcard `*`, which API Gateway matches against any characters, `/` included (wider than the one
 * segment a `{param}` route takes: see overreach.ts). Literal segments may
 * hold letters, digits, `_`, `-`, `.`, `~`, `%` and the other RFC 3986 sub-delimiters, never `*` or `?`.
 * Returns undefined for a path API Gateway cannot have.
 */
export function pathToResource(path: string): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  if (path === '/') return '';
  const segments = path.slice(1).split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    if (s === '*' || PARAM.test(s)) out.push('*');
    else if (GREEDY.test(s)) {
      if (i !== segments.length - 1) return undefined;
      out.push('*');
    } else if (LITERAL.test(s)) out.push(s);
    else return undefined;
  }
  return out.join('/');
}

/** The verbs a policy verb stands for. `ANY` expands to every verb: a `*` verb would also match across `/`. */
export function expandVerb(verb: string): readonly HttpVerb[] | undefined {
  if (verb === 'ANY' || verb === '*') return HTTP_VERBS;
  return (HTTP_VERBS as readonly string[]).includes(verb) ? [verb as HttpVerb] : undefined;
}

const WEBSOCKET_ROUTE_KEY_RULE = '$connect';
const ROUTE = /^([A-Z]+) (\/\S*)$/;

/** `"GET /a/{id}"` → `["GET/a/*"]`; `"ANY /a"` → one per verb; `"$connect"` → `["$connect"]`. */
export function routeResources(route: string): string[] | undefined {
  if (route === WEBSOCKET_ROUTE_KEY_RULE) return [route];
  const m = ROUTE.exec(route);
  if (!m) return undefined;
  const verbs = expandVerb(m[1] as string);
  const path = pathToResource(m[2] as string);
  if (!verbs || path === undefined) return undefined;
  return verbs.map((v) => `${v}/${path}`);
}

/**
 * An HTTP route as API Gateway matches requests to it, one path segment per item: a literal, or `null` for a
 * parameter that takes exactly one segment (`{param}`, or a `*` before the last segment). `greedy`: the path
 * ends in `{proxy+}` or `*`, which take one or more further segments. `any`: the route's verb is `ANY`.
 */
export interface RouteTemplate {
  readonly verbs: readonly HttpVerb[];
  readonly any: boolean;
  readonly items: readonly (string | null)[];
  readonly greedy: boolean;
}

/** The template of `"GET /a/{id}"`; undefined for anything else (`$connect`, a GraphQL field, a bad route). */
export function routeTemplate(route: string): RouteTemplate | undefined {
  const m = ROUTE.exec(route);
  if (!m) return undefined;
  const verbs = expandVerb(m[1] as string);
  const path = m[2] as string;
  if (!verbs || pathToResource(path) === undefined) return undefined;
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const last = segments.at(-1);
  const greedy = last !== undefined && (last === '*' || GREEDY.test(last));
  const fixed = greedy ? segments.slice(0, -1) : segments;
  return {
    verbs,
    any: m[1] === 'ANY',
    items: fixed.map((s) => (s === '*' || PARAM.test(s) ? null : s)),
    greedy,
  };
}

/** `GRAPHQL Type.field`: a rule on one GraphQL field (AppSync); its resource is `Type.field`. */
const GRAPHQL_FIELD = /^GRAPHQL ([_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*)$/;

/** The resources of a rule's `route`: an HTTP or WebSocket route (see `routeResources`) or a GraphQL field. */
export function ruleResources(route: string): string[] | undefined {
  const m = GRAPHQL_FIELD.exec(route);
  return m ? [m[1] as string] : routeResources(route);
}

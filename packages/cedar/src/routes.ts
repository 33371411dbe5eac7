import { HTTP_VERBS, type HttpVerb, type RoutePattern, routePattern } from '@cogauth/core/rules';

/**
 * A route action as Verified Permissions names it in an API-linked policy store: the API Gateway method in
 * lower case, a space, and the resource path template (`get /users/{id}`). Its route is the same in
 * cogauth's rule grammar (`GET /users/{id}`).
 */
export interface CedarAction {
  /** The Cedar action id, e.g. `get /users/{id}`. */
  readonly id: string;
  readonly verb: HttpVerb;
  /** The path template, e.g. `/users/{id}`. */
  readonly path: string;
  /** `"<VERB> <path>"`, the action as a cogauth route rule. */
  readonly route: string;
  /** Whether a policy reads the request's context for it (its answer is per request, see `perRequest`). */
  readonly perRequest: boolean;
}

/** An action with the compiled route core matches it by, and what its policies read of the request. */
export interface RouteAction extends CedarAction {
  readonly index: number;
  readonly rule: RoutePattern;
  /** Whether a policy that applies to it reads `context.pathParameters` (fixed by the path). */
  readonly readsPath: boolean;
  /** Whether a policy that applies to it reads `context.queryStringParameters` (never in an ARN). */
  readonly readsQuery: boolean;
}

const ACTION_ID = /^([a-z]+) (\/\S*)$/;

/**
 * The route of an action id, or undefined when the id is not `<verb> <path>` in cogauth's route grammar
 * (action groups, or actions the API-linked convention does not produce). Read by core's own
 * `routePattern`, so paths follow exactly the grammar and matching of cogauth's rules.
 */
export function routeOf(id: string): { verb: HttpVerb; path: string; rule: RoutePattern } | undefined {
  const m = ACTION_ID.exec(id);
  if (!m) return undefined;
  const verb = (m[1] as string).toUpperCase();
  if (!(HTTP_VERBS as readonly string[]).includes(verb)) return undefined;
  const path = m[2] as string;
  try {
    return { verb: verb as HttpVerb, path, rule: routePattern(`${verb} ${path}`) };
  } catch {
    return undefined;
  }
}

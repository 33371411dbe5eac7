import { ConfigError } from '../errors.js';
import { globMatch } from './glob.js';
import { ruleResources } from './route.js';

/** A rule's route as an IAM policy statement for it matches requests. */
export interface RoutePattern {
  /** The route as written: `GET /users/{id}`, `ANY /files/{proxy+}`, `$connect`, `GRAPHQL Query.x`. */
  readonly route: string;
  /** The resource-ARN suffixes an Allow for it lists (`GET/users/*`), one per verb; a field for GraphQL. */
  readonly resources: readonly string[];
  /**
   * Whether an Allow for the route covers `method path` (`GET`, `/users/42`; a WebSocket route key with
   * path `''`). Its wildcards match any characters, `/` included, as IAM's do: whether a caller may use the
   * request also depends on the other rules (see `decide`).
   */
  covers(method: string, path: string): boolean;
}

/** The pattern of a route in the rule grammar; throws a ConfigError (`route`) for anything else. */
export function routePattern(route: string): RoutePattern {
  const resources = typeof route === 'string' ? ruleResources(route) : undefined;
  if (resources === undefined) throw new ConfigError('route', `invalid route ${JSON.stringify(route)}`);
  const frozen = Object.freeze(resources);
  return Object.freeze({
    route,
    resources: frozen,
    covers(method: string, path: string): boolean {
      const resource = `${method}${path}`;
      return frozen.some((glob) => globMatch(glob, resource));
    },
  });
}

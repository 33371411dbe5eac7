import type { PolicyResources } from '../decide/access-model.js';
import type { AuthorizerContext } from '../decide/context.js';
import type { DecisionRequest } from '../decide/decide.js';
import { remember } from '../decide/memo.js';
import { arnPrefix, type MethodArn, parseMethodArn } from './arn.js';
import type { AuthorizerPolicyResult, PolicyStatement } from './policy.js';

/** HTTP API simple response. */
export interface SimpleAuthorizerResult {
  isAuthorized: boolean;
  context?: AuthorizerContext;
}

/** A method or route ARN as the authorizer answers it: parsed once, kept while API Gateway sends it. */
export interface Target {
  readonly arn: MethodArn;
  readonly prefix: string;
  readonly request: DecisionRequest & { readonly kind: 'http' | 'websocket' };
  /** `METHOD /path` (or the route key) for the log line. */
  readonly route: string;
  /** What to deny when the route is not permitted; an ARN holding `*` or `?` cannot be denied alone. */
  readonly denyRoute: string | undefined;
  /** The policy's resources per grant, with this API and stage's prefix (shared by every answer: frozen). */
  readonly lists: WeakMap<PolicyResources, PolicyResources>;
}

/**
 * The targets of one authorizer, by ARN (API Gateway sends a handful): the parsed ARN, its policy prefix,
 * the decision request, what to deny, and the prefixed resource lists per grant, shared by the ARNs of one
 * API and stage. Throws a CogauthError for a value that is not an execute-api ARN.
 */
export class Targets {
  readonly #byArn = new Map<unknown, Target>();
  readonly #listsByPrefix = new Map<string, WeakMap<PolicyResources, PolicyResources>>();

  of(value: unknown): Target {
    let target = this.#byArn.get(value);
    if (!target) {
      const arn = parseMethodArn(value);
      const prefix = arnPrefix(arn);
      const lists = this.#listsByPrefix.get(prefix) ?? remember(this.#listsByPrefix, prefix, new WeakMap());
      const denyRoute = arn.arn.includes('*') || arn.arn.includes('?') ? undefined : arn.arn;
      const route = arn.path === '' ? arn.method : `${arn.method} ${arn.path}`;
      const request: Target['request'] =
        arn.path === ''
          ? { kind: 'websocket', routeKey: arn.method }
          : { kind: 'http', method: arn.method, path: arn.path };
      target = remember(this.#byArn, value, { arn, prefix, request, route, denyRoute, lists });
    }
    return target;
  }
}

function listsOf(target: Target, resources: PolicyResources): PolicyResources {
  let lists = target.lists.get(resources);
  if (!lists) {
    const prefixed = (suffixes: readonly string[]) => Object.freeze(suffixes.map((s) => target.prefix + s));
    lists = { allow: prefixed(resources.allow), deny: prefixed(resources.deny) };
    target.lists.set(resources, lists);
  }
  return lists;
}

/**
 * The IAM answer: an Allow for every route of the grant, the Denies for their over-reach, and when this
 * request is not allowed an explicit Deny for it alone (for the whole stage when nothing is allowed), so a
 * policy API Gateway caches by token stays right for every route.
 */
export function policyAnswer(
  target: Target,
  resources: PolicyResources,
  allowed: boolean,
  principal: string,
  context: AuthorizerContext,
): AuthorizerPolicyResult {
  const statements: PolicyStatement[] = [];
  const lists = listsOf(target, resources);
  const permitted = lists.allow.length > 0;
  if (permitted)
    statements.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: lists.allow as string[] });
  const denied = permitted ? target.denyRoute : `${target.prefix}*`;
  const deny = !allowed && denied ? [...lists.deny, denied] : (lists.deny as string[]);
  if (deny.length > 0) statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny });
  return {
    principalId: principal,
    policyDocument: { Version: '2012-10-17', Statement: statements },
    context,
  };
}

import type { PolicyResources } from '../decide/access-model.js';
import type { AuthorizerContext } from '../decide/context.js';
import type { DecisionRequest } from '../decide/decide.js';
import { globMatch } from '../decide/glob.js';
import { remember } from '../decide/memo.js';
import { answerWithin, documentBytes, type ListSize, listSize, withItem } from './answer-size.js';
import { arnPrefix, type MethodArn, parseMethodArn } from './arn.js';
import { MAX_ANSWER_BYTES, MAX_RESOURCE_CHARS } from './limits.js';
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
  /**
   * What to deny when the route is not permitted; an ARN holding `*` or `?` cannot be denied alone, nor
   * one longer than a policy's `Resource` may be.
   */
  readonly denyRoute: string | undefined;
  /** The policy's resources per grant, with this API and stage's prefix (shared by every answer: frozen). */
  readonly lists: WeakMap<PolicyResources, Lists>;
}

/** A grant's resources with the ARN prefix, measured once (answer-size.ts). */
interface Lists extends PolicyResources {
  readonly allowSize: ListSize;
  readonly denySize: ListSize;
  /** The longest resource, in characters. */
  readonly longest: number;
}

/**
 * The targets of one authorizer, by ARN (API Gateway sends a handful): the parsed ARN, its policy prefix,
 * the decision request, what to deny, and the prefixed resource lists per grant, shared by the ARNs of one
 * API and stage. Throws a CogauthError for a value that is not an execute-api ARN.
 */
export class Targets {
  readonly #byArn = new Map<unknown, Target>();
  readonly #listsByPrefix = new Map<string, WeakMap<PolicyResources, Lists>>();

  of(value: unknown): Target {
    let target = this.#byArn.get(value);
    if (!target) {
      const arn = parseMethodArn(value);
      const prefix = arnPrefix(arn);
      const lists = this.#listsByPrefix.get(prefix) ?? remember(this.#listsByPrefix, prefix, new WeakMap());
      const denyRoute =
        arn.arn.includes('*') || arn.arn.includes('?') || arn.arn.length > MAX_RESOURCE_CHARS
          ? undefined
          : arn.arn;
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

const NO_LISTS: Lists = /* @__PURE__ */ Object.freeze({
  allow: [],
  deny: [],
  allowSize: { count: 0, bytes: 0 },
  denySize: { count: 0, bytes: 0 },
  longest: 0,
});

function listsOf(target: Target, resources: PolicyResources): Lists {
  let lists = target.lists.get(resources);
  if (!lists) {
    const prefixed = (suffixes: readonly string[]) => Object.freeze(suffixes.map((s) => target.prefix + s));
    const allow = prefixed(resources.allow);
    const deny = prefixed(resources.deny);
    let longest = 0;
    for (const r of [...allow, ...deny]) longest = Math.max(longest, r.length);
    lists = { allow, deny, allowSize: listSize(allow), denySize: listSize(deny), longest };
    target.lists.set(resources, lists);
  }
  return lists;
}

/** Whether the lists admit the request: an Allow matches it and no Deny does. */
function admits(resources: PolicyResources, target: Target): boolean {
  const resource = target.arn.resource;
  return (
    resources.allow.some((a) => globMatch(a, resource)) && !resources.deny.some((d) => globMatch(d, resource))
  );
}

/**
 * The IAM answer for `resources` (a grant's whole answer, or the part of it a per-request answer needs,
 * scope.ts): an Allow for them, their Denies, and when this request is not allowed an explicit Deny for it
 * alone (for the whole stage when nothing is allowed), so a policy API Gateway caches by token stays right
 * for every route. When the request is not allowed, its ARN cannot be denied alone and the resources would
 * admit it, the answer is a Deny for the whole stage. Undefined when the answer would be larger than API
 * Gateway takes (answer/limits.ts): the caller must refuse rather than send it.
 */
export function policyAnswer(
  target: Target,
  resources: PolicyResources,
  allowed: boolean,
  principal: string,
  context: AuthorizerContext,
): AuthorizerPolicyResult | undefined {
  let lists = listsOf(target, resources);
  if (!allowed && target.denyRoute === undefined && admits(resources, target)) lists = NO_LISTS;
  const permitted = lists.allow.length > 0;
  const denied = permitted ? target.denyRoute : `${target.prefix}*`;
  const extra = !allowed || !permitted ? denied : undefined;
  const denySize = extra === undefined ? lists.denySize : withItem(lists.denySize, extra);
  const document = documentBytes(lists.allowSize, denySize);
  if (Math.max(lists.longest, extra?.length ?? 0) > MAX_RESOURCE_CHARS) return undefined;
  if (!answerWithin(principal, context, document, MAX_ANSWER_BYTES)) return undefined;

  const statements: PolicyStatement[] = [];
  if (permitted)
    statements.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: lists.allow as string[] });
  const deny = extra === undefined ? (lists.deny as string[]) : [...lists.deny, extra];
  if (deny.length > 0) statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny });
  return {
    principalId: principal,
    policyDocument: { Version: '2012-10-17', Statement: statements },
    context,
  };
}

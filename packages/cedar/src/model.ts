import type { PolicyJson } from '@cedar-policy/cedar-wasm/web';
import { ConfigError } from '@cogauth/core';
import type { PolicyFacts } from './analysis.js';
import {
  ACTION,
  APPLICATION,
  PATH_PARAMETERS,
  QUERY_PARAMETERS,
  qualified,
  TOKEN_CONTEXT,
  USER,
  USER_GROUP,
} from './conventions.js';
import { isRecord } from './guards.js';
import type { PolicySource } from './policy-source.js';
import { type CedarAction, type RouteAction, routeOf } from './routes.js';
import { type AttributeType, resolveAttributes, resolveType, type Schema, type ValueType } from './schema.js';

/** Which parts of the request's context the per-request routes' policies read. */
export interface RequestContextReads {
  readonly pathParameters: boolean;
  readonly queryStringParameters: boolean;
}

/** How an action's context is built: `token` type (null: untyped, no schema; undefined: not declared). */
export interface ContextShape {
  readonly token: ValueType | null | undefined;
  readonly pathParameters: boolean;
  readonly queryStringParameters: boolean;
}

/** Everything `loadCedar` works out once, shared by every decision. */
export interface Model {
  readonly namespace: string;
  readonly types: {
    readonly user: string;
    readonly group: string;
    readonly application: string;
    readonly action: string;
  };
  readonly userPoolId: string | undefined;
  readonly schema: Schema | undefined;
  readonly policies: readonly PolicySource[];
  readonly actions: readonly RouteAction[];
  /** The same actions as handed out: frozen, without the compiled rule. */
  readonly publicActions: readonly CedarAction[];
  readonly actionsFrom: 'schema' | 'policies';
  readonly requestContext: RequestContextReads;
  /** Declared User attributes (undefined without a schema: every claim but the groups). */
  readonly userAttributes: Readonly<Record<string, AttributeType>> | undefined;
  /** Top-level `context.token` attributes some action declares (null without a schema: all). */
  readonly tokenKeys: ReadonlySet<string> | null;
  readonly namesUser: boolean;
  contextShape(action: RouteAction): ContextShape;
}

const NAMESPACE = /^[_a-zA-Z][_a-zA-Z0-9]*(::[_a-zA-Z][_a-zA-Z0-9]*)*$/;

/** The namespace: given, the schema's only one with actions, or the only one the policies' actions use. */
export function namespaceOf(
  given: string | undefined,
  schema: Schema | undefined,
  policies: readonly PolicyJson[],
): string {
  if (given !== undefined) {
    if (typeof given !== 'string' || !NAMESPACE.test(given))
      throw new ConfigError('namespace', 'must be a Cedar namespace such as "MyApi"');
    return given;
  }
  const found = new Set<string>();
  if (schema) {
    for (const [ns, def] of Object.entries(schema.json))
      if (isRecord(def?.actions) && Object.keys(def.actions).length > 0) found.add(ns);
  } else {
    const suffix = `::${ACTION}`;
    for (const text of policies.map((p) => JSON.stringify(p))) {
      for (const m of text.matchAll(/"type":"([^"]*)"/g)) {
        const type = m[1] as string;
        if (type.endsWith(suffix)) found.add(type.slice(0, -suffix.length));
      }
    }
  }
  if (found.size !== 1)
    throw new ConfigError(
      'namespace',
      `cannot be told from the ${schema ? 'schema' : 'policies'} (found ${found.size}): give it`,
    );
  return [...found][0] as string;
}

export function typesOf(ns: string): Model['types'] {
  return {
    user: qualified(ns, USER),
    group: qualified(ns, USER_GROUP),
    application: qualified(ns, APPLICATION),
    action: qualified(ns, ACTION),
  };
}

/** Route actions: the schema's (by its order), or the action literals of the policies. */
export function routeActions(
  ns: string,
  schema: Schema | undefined,
  facts: readonly PolicyFacts[],
  reads: (id: string) => ReadonlySet<string>,
): RouteAction[] {
  const ids = schema
    ? Object.keys(schema.namespace(ns)?.actions ?? {})
    : [...new Set(facts.flatMap((f) => f.actionLiterals))].sort();
  const out: RouteAction[] = [];
  for (const id of ids) {
    const route = routeOf(id);
    if (!route) continue;
    const action = { id, verb: route.verb, path: route.path, route: `${route.verb} ${route.path}` };
    const read = reads(id);
    out.push({
      ...action,
      perRequest: read.size > 0,
      readsPath: read.has(PATH_PARAMETERS),
      readsQuery: read.has(QUERY_PARAMETERS),
      index: out.length,
      rule: route.rule,
    });
  }
  if (out.length === 0)
    throw new ConfigError(
      schema ? 'schema' : 'policies',
      `names no route action of ${ns}::Action such as "get /users/{id}" (<method in lower case> <path>)`,
    );
  return out;
}

/** Every action an action id stands for in a scope: itself and, with a schema, its members (transitively). */
export function membersOf(schema: Schema | undefined, ns: string): (id: string) => Set<string> {
  const actions = schema?.namespace(ns)?.actions ?? {};
  const children = new Map<string, string[]>();
  for (const [id, def] of Object.entries(actions)) {
    for (const parent of def.memberOf ?? []) {
      if (parent.type !== undefined && parent.type !== ACTION && parent.type !== qualified(ns, ACTION))
        continue;
      children.set(parent.id, [...(children.get(parent.id) ?? []), id]);
    }
  }
  return (id) => {
    const seen = new Set<string>([id]);
    const stack = [id];
    while (stack.length > 0) {
      for (const child of children.get(stack.pop() as string) ?? []) {
        if (!seen.has(child)) {
          seen.add(child);
          stack.push(child);
        }
      }
    }
    return seen;
  };
}

/** The context shape per action: from the schema's `appliesTo.context`, or everything without a schema. */
export function contextShapes(schema: Schema | undefined, ns: string): (id: string) => ContextShape {
  if (!schema) return () => ({ token: null, pathParameters: true, queryStringParameters: true });
  const actions = schema.namespace(ns)?.actions ?? {};
  return (id) => {
    const raw = Object.hasOwn(actions, id) ? actions[id]?.appliesTo?.context : undefined;
    const type = raw === undefined ? undefined : resolveType(schema, ns, raw);
    const attrs = type?.kind === 'Record' ? type.attributes : {};
    return {
      token: attrs[TOKEN_CONTEXT]?.type,
      pathParameters: Object.hasOwn(attrs, PATH_PARAMETERS),
      queryStringParameters: Object.hasOwn(attrs, QUERY_PARAMETERS),
    };
  };
}

/** The schema's User attributes (none when it declares none), or undefined without a schema. */
export function userAttributesOf(schema: Schema | undefined, ns: string): Model['userAttributes'] {
  if (!schema) return undefined;
  const user = schema.namespace(ns)?.entityTypes?.[USER] as { shape?: { attributes?: unknown } } | undefined;
  return resolveAttributes(schema, ns, user?.shape?.attributes);
}

export function publicActionsOf(actions: readonly RouteAction[]): readonly CedarAction[] {
  return Object.freeze(
    actions.map((a) =>
      Object.freeze({ id: a.id, verb: a.verb, path: a.path, route: a.route, perRequest: a.perRequest }),
    ),
  );
}

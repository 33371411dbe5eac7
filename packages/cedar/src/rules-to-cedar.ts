import type { SchemaJson } from '@cedar-policy/cedar-wasm/web';
import { ConfigError, type RouteRule } from '@cogauth/core';
import { HTTP_VERBS, parseRules } from '@cogauth/core/rules';
import {
  ACTION,
  APPLICATION,
  actionId,
  poolScopedId,
  qualified,
  SCOPE_CLAIM,
  TOKEN_CONTEXT,
  USER,
  USER_GROUP,
} from './conventions.js';

export interface RulesToCedarOptions {
  /** The user pool whose groups the rules name (`us-east-1_AbC123`). */
  readonly userPoolId: string;
  /** The Cedar namespace, as Verified Permissions would derive it from the API's name (`MyApi`). */
  readonly namespace: string;
}

/** Cedar policies and a schema in Verified Permissions' API-linked shape that decide as the rules do. */
export interface CedarTranslation {
  /** One policy per rule, `@id("rules[<i>]")`. */
  readonly policies: string;
  readonly schema: SchemaJson<string>;
  /** Every action id, in rule order. */
  readonly actions: readonly string[];
}

const NAMESPACE = /^[_a-zA-Z][_a-zA-Z0-9]*(::[_a-zA-Z][_a-zA-Z0-9]*)*$/;
const HTTP_ROUTE = /^([A-Z]+) (\/\S*)$/;
const CONTEXT_TYPE = 'ReusedContext';

/**
 * Translates cogauth route rules (validated by core's `parseRules`, so a bad rule names itself) into Cedar:
 * each rule is a `permit` on the actions of its route (`ANY` is one action per method, as API Gateway's
 * methods are), `groups` any-of is `principal in` the pool's UserGroup entities, `scopes` any-of is
 * `context.token.scope.containsAny([...])` (access tokens). Only HTTP routes translate: WebSocket route
 * keys and GraphQL fields have no Verified Permissions action.
 */
export function rulesToCedar(rules: unknown, options: RulesToCedarOptions): CedarTranslation {
  const { namespace, userPoolId } = checkedOptions(options);
  const parsed = parseRules(rules);
  const actions: string[] = [];
  const byShape = new Map<string, string>();
  const policies = parsed.map((rule, i) => {
    const ids = actionIds(rule, i).map((id) => {
      // One action per route API Gateway can tell apart: `GET /{id}` and the GET of `ANY /*` are one route.
      const shape = shapeOf(id);
      const known = byShape.get(shape);
      if (known !== undefined) return known;
      byShape.set(shape, id);
      actions.push(id);
      return id;
    });
    return policyOf(rule, i, [...new Set(ids)], namespace, userPoolId);
  });
  return { policies: `${policies.join('\n\n')}\n`, schema: schemaOf(namespace, actions), actions };
}

function checkedOptions(options: RulesToCedarOptions): RulesToCedarOptions {
  if (typeof options?.namespace !== 'string' || !NAMESPACE.test(options.namespace))
    throw new ConfigError('namespace', 'must be a Cedar namespace such as "MyApi"');
  const pool = options.userPoolId;
  if (typeof pool !== 'string' || !/^[\x21-\x7e]+$/.test(pool) || pool.includes('|'))
    throw new ConfigError('userPoolId', 'must be a user pool id such as "us-east-1_AbC123"');
  return options;
}

function actionIds(rule: RouteRule, index: number): string[] {
  const m = HTTP_ROUTE.exec(rule.route);
  if (!m)
    throw new ConfigError(
      `rules[${index}].route`,
      'only HTTP routes ("<METHOD> /path") have a Verified Permissions action',
    );
  const verb = m[1] as string;
  const verbs = verb === 'ANY' ? HTTP_VERBS : [verb];
  return verbs.map((v) => actionId(v, m[2] as string));
}

/** The route's shape whatever its names: `get /{}/{+}` for `get /{id}/{proxy+}` and for `get /*` + `/*`. */
function shapeOf(id: string): string {
  const [verb, path] = id.split(' ') as [string, string];
  const segments = path.split('/');
  const last = segments.length - 1;
  const shape = segments.map((s, i) => {
    if (s.endsWith('+}') || (s === '*' && i === last)) return '{+}';
    return s === '*' || s.startsWith('{') ? '{}' : s;
  });
  return `${verb} ${shape.join('/')}`;
}

function policyOf(rule: RouteRule, index: number, ids: readonly string[], ns: string, pool: string): string {
  const group = (g: string) => `${qualified(ns, USER_GROUP)}::${cedarString(poolScopedId(pool, g))}`;
  const groups = rule.groups ?? [];
  const principal = groups.length === 1 ? `principal in ${group(groups[0] as string)}` : 'principal';
  const conditions: string[] = [];
  if (groups.length > 1) conditions.push(`principal in [${groups.map(group).join(', ')}]`);
  if (rule.scopes) {
    const scopes = rule.scopes.map(cedarString).join(', ');
    const token = `context.${TOKEN_CONTEXT}`;
    conditions.push(
      `context has ${TOKEN_CONTEXT} && ${token} has ${SCOPE_CLAIM} && ${token}.${SCOPE_CLAIM}.containsAny([${scopes}])`,
    );
  }
  const actions = ids.map((id) => `${qualified(ns, ACTION)}::${cedarString(id)}`).join(', ');
  const when = conditions.length > 0 ? `\nwhen { ${conditions.join(' && ')} }` : '';
  return `@id(${cedarString(`rules[${index}]`)})\npermit (\n  ${principal},\n  action in [${actions}],\n  resource\n)${when};`;
}

/** A Cedar string literal: the rules' names are printable ASCII, where JSON's escapes are Cedar's. */
function cedarString(value: string): string {
  return JSON.stringify(value);
}

function schemaOf(ns: string, actions: readonly string[]): SchemaJson<string> {
  const record = { type: 'Record' as const, attributes: {} };
  const appliesTo = { principalTypes: [USER], resourceTypes: [APPLICATION], context: { type: CONTEXT_TYPE } };
  return {
    [ns]: {
      entityTypes: {
        [USER]: { memberOfTypes: [USER_GROUP], shape: record },
        [USER_GROUP]: { shape: record },
        [APPLICATION]: { shape: record },
      },
      actions: Object.fromEntries(actions.map((id) => [id, { appliesTo }])),
      commonTypes: {
        [CONTEXT_TYPE]: {
          type: 'Record',
          attributes: {
            [TOKEN_CONTEXT]: {
              type: 'Record',
              required: false,
              attributes: { [SCOPE_CLAIM]: { type: 'Set', element: { type: 'String' }, required: false } },
            },
          },
        },
      },
    },
  };
}

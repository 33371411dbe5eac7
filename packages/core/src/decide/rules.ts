import { ConfigError, type ConfigPath } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import { configPathText } from '../util/config-path.js';
import { isRecord } from '../util/guards.js';
import { checkCaseBlindRouteSelection, checkRouteSelection } from './exactness.js';
import { globContains, globMatch, globsOverlap } from './glob.js';
import { admitsSubset } from './requirements.js';
import { HTTP_VERBS, ruleResources } from './route.js';

/**
 * One route and who may use it. `route` is `"<METHOD|ANY> <path>"` (path segments literal, `{param}`,
 * `{proxy+}` or `*`), the WebSocket route key `"$connect"` or a GraphQL field `"GRAPHQL Type.field"` (AppSync). `groups` is any-of on `cognito:groups`,
 * `scopes` any-of on `scope`; both present means both must hold; neither means any valid token.
 */
export interface RouteRule {
  readonly route: string;
  readonly groups?: readonly string[];
  readonly scopes?: readonly string[];
}

/** A rule ready for matching: `resources` are the resource-ARN suffixes (`GET/messages/*`) it allows. */
export interface CompiledRule {
  readonly index: number;
  readonly rule: RouteRule;
  readonly resources: readonly string[];
  readonly groups: readonly string[] | undefined;
  readonly scopes: readonly string[] | undefined;
}

const RULE_KEYS = new Set(['route', 'groups', 'scopes']);
const NAME = /^[\x21-\x7e]+$/;

/**
 * Validates a rule set from code or JSON (a string is parsed as JSON) and returns frozen copies.
 * Throws a ConfigError naming the bad rule (`rules[2].route`). Rejects: an empty set, unknown keys (a typo
 * such as `group` would otherwise open the route to everyone), empty `groups`/`scopes`, and rules that
 * API Gateway's wildcard matching or route selection would make ineffective (see `checkShadowing` and
 * exactness.ts).
 */
export function parseRules(input: unknown): readonly RouteRule[] {
  return writtenRules(compileParsedRules(input));
}

// Rule sets `parseRules` (or the environment reader) validated: frozen arrays of frozen rules, so their
// compiled form stays right and nobody validates them twice.
const validated = new WeakMap<readonly RouteRule[], readonly CompiledRule[]>();

/** The rules of a compiled set as written, frozen, remembered as validated. */
export function writtenRules(compiled: readonly CompiledRule[]): readonly RouteRule[] {
  const rules = Object.freeze(compiled.map((r) => r.rule));
  validated.set(rules, compiled);
  return rules;
}

/** Compiled rules for a set from code or JSON: validated (`root` names it in errors) unless it already was. */
export function compiledRules(input: unknown, root?: ConfigPath): readonly CompiledRule[] {
  return (Array.isArray(input) && validated.get(input)) || compileParsedRules(input, root);
}

/** `parseRules` and `compileRules` in one pass; `root` names the rules in errors (`COGAUTH_RULES[2].route`). */
export function compileParsedRules(input: unknown, root: ConfigPath = ['rules']): CompiledRule[] {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new ConfigError(root, `is not valid JSON (${(cause as Error).message})`);
    }
  }
  if (!Array.isArray(value)) throw new ConfigError(root, 'must be an array of route rules');
  if (value.length === 0) throw new ConfigError(root, 'is empty: it would deny every request');
  const compiled = compileRules(value.map((raw, i) => parseRule(raw, [...root, i])));
  checkShadowing(compiled, root);
  checkRouteSelection(compiled, root);
  return compiled;
}

function parseRule(raw: unknown, at: ConfigPath): RouteRule {
  if (!isRecord(raw)) throw new ConfigError(at, 'must be an object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!RULE_KEYS.has(key))
      throw new ConfigError([...at, key], 'unknown key (allowed: route, groups, scopes)');
  }
  const route = obj.route;
  if (typeof route !== 'string')
    throw new ConfigError([...at, 'route'], 'must be a string like "GET /messages"');
  if (ruleResources(route) === undefined) {
    throw new ConfigError(
      [...at, 'route'],
      `invalid route ${JSON.stringify(route)}: expected "<${HTTP_VERBS.join('|')}|ANY> /path", "$connect" or "GRAPHQL Type.field"`,
    );
  }
  const rule: { route: string; groups?: readonly string[]; scopes?: readonly string[] } = { route };
  if (obj.groups !== undefined) rule.groups = names(obj.groups, [...at, 'groups']);
  if (obj.scopes !== undefined) rule.scopes = names(obj.scopes, [...at, 'scopes']);
  return Object.freeze(rule);
}

function names(value: unknown, at: ConfigPath): readonly string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError(at, 'must be a non-empty array of strings');
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !NAME.test(v)) {
      throw new ConfigError([...at, i], 'must be a non-empty string without spaces');
    }
  });
  return Object.freeze([...(value as string[])]);
}

/** Compiles validated rules. Call `parseRules` first for anything that did not come from code you control. */
export function compileRules(rules: readonly RouteRule[]): CompiledRule[] {
  return rules.map((rule, index) => {
    const resources = ruleResources(rule.route);
    if (!resources)
      throw new ConfigError(['rules', index, 'route'], `invalid route ${JSON.stringify(rule.route)}`);
    return Object.freeze({
      index,
      rule,
      resources: Object.freeze(resources),
      groups: rule.groups,
      scopes: rule.scopes,
    });
  });
}

/** The groups and scope a caller holds, read once per request. */
export interface Held {
  readonly groups: readonly unknown[];
  readonly scope: string;
}

export function heldBy(claims: CognitoClaims): Held {
  const groups = claims['cognito:groups'];
  const scope = claims.scope;
  return { groups: Array.isArray(groups) ? groups : [], scope: typeof scope === 'string' ? scope : '' };
}

export function satisfies(rule: CompiledRule, held: Held): boolean {
  if (rule.groups) {
    let ok = false;
    for (const g of rule.groups) if (held.groups.includes(g)) ok = true;
    if (!ok) return false;
  }
  if (rule.scopes) {
    let ok = false;
    for (const s of rule.scopes) if (hasScope(held.scope, s)) ok = true;
    if (!ok) return false;
  }
  return true;
}

/** Whether the space-separated `scope` lists `wanted`, without splitting it. */
function hasScope(scope: string, wanted: string): boolean {
  for (let at = scope.indexOf(wanted); at >= 0; at = scope.indexOf(wanted, at + 1)) {
    const end = at + wanted.length;
    if (
      (at === 0 || scope.charCodeAt(at - 1) === 32) &&
      (end === scope.length || scope.charCodeAt(end) === 32)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a rule's pattern covers a request. `resource` is a method ARN's resource (`GET/messages/42`,
 * `$connect`). Wildcards match like an IAM policy on execute-api: any characters, `/` included, so this
 * is what the rule's Allow statement admits; whether the caller may use the request also depends on the
 * other rules (see `isRouteAllowed`).
 */
export function ruleMatches(rule: CompiledRule, resource: string): boolean {
  for (const glob of rule.resources) if (globMatch(glob, resource)) return true;
  return false;
}

/**
 * Rejects rule sets whose requirements API Gateway could not enforce. A policy wildcard matches across
 * `/`, and an Allow for one rule lets its holder through wherever its pattern matches. So if rule A's
 * pattern overlaps rule B's route and A admits someone B does not, B's requirement is void there. That is
 * fine when B is the wider rule (`ANY /admin/*` for admins plus a public `GET /admin/health`), and an
 * error when A is at least as wide as B (a public `GET /messages/{id}` next to an admin-only
 * `GET /messages/{id}/secret`) or when the two only partly overlap.
 */
function checkShadowing(rules: readonly CompiledRule[], root: ConfigPath, how = ''): void {
  for (const a of rules) {
    for (const b of rules) {
      if (a === b || admitsSubset(a, b)) continue;
      // a admits someone b does not: a must not reach into b unless b strictly contains a.
      const overlap = a.resources.some((ra) => b.resources.some((rb) => globsOverlap(ra, rb)));
      if (!overlap) continue;
      const bContainsA = a.resources.every((ra) => b.resources.some((rb) => globContains(rb, ra)));
      const aContainsB = b.resources.every((rb) => a.resources.some((ra) => globContains(ra, rb)));
      if (bContainsA && !aContainsB) continue;
      throw new ConfigError(
        [...root, b.index, 'route'],
        `${JSON.stringify(b.rule.route)} is also matched by ${configPathText([...root, a.index])} ${JSON.stringify(a.rule.route)}${how}, ` +
          'which admits callers this rule does not (policy wildcards match across "/"); ' +
          'give them the same groups/scopes or make the routes disjoint',
      );
    }
  }
}

/**
 * Rejects HTTP rules that the shadowing check accepts only because their literal segments differ in letter
 * case (a public `GET /Reports` beside an admins-only `GET /reports`): Express (by default) and Fastify
 * with `caseSensitive: false` route both to one handler, so no decision made on the path could be right.
 * Once it passes, judging paths case-sensitively is safe behind a router that ignores case: a rule that
 * matches a path also matches it with case ignored, so it never allows what the case-blind reading denies;
 * the same holds for route selection (exactness.ts `checkCaseBlindRouteSelection`).
 * `createAuthenticator` runs it on the HTTP rules; the API Gateway authorizer does not need it.
 */
export function checkCaseBlindShadowing(rules: readonly CompiledRule[], root: ConfigPath = ['rules']): void {
  const folded = rules.map((r) => ({ ...r, resources: r.resources.map((x) => x.toLowerCase()) }));
  checkShadowing(
    folded,
    root,
    ' once letter case is ignored (as Express and Fastify with caseSensitive: false route)',
  );
  checkCaseBlindRouteSelection(rules, root);
}

/**
 * Rejects rule sets for which no policy can give every caller exactly the routes its rules grant, once
 * API Gateway's route selection is taken into account (template.ts): a `{param}` route takes one segment,
 * a policy wildcard any number, and IAM has no one-segment wildcard.
 */

import { ConfigError, type ConfigPath } from '../errors.js';
import { configPathText } from '../util/config-path.js';
import { Neighbors, overreachOf, type Route, routesOf } from './overreach.js';
import { admitsSubset, someCallerOf } from './requirements.js';
import type { CompiledRule } from './rules.js';
import { compareSpecificity, templatesOverlap, verbsOverlap } from './template.js';

/** Throws a ConfigError naming the rule whose requirement a policy could not enforce. */
export function checkRouteSelection(rules: readonly CompiledRule[], root: ConfigPath): void {
  const routes = routesOf(rules);
  const neighbors = new Neighbors(routes);
  for (const r of routes) for (const s of neighbors.of(r.path)) checkPreemption(r, s, root);
  checkOverreach(rules, root);
}

/**
 * `s` is chosen over `r` for requests both templates match (it is more specific), yet `r`'s Allow covers
 * them and `s` admits fewer callers. Denying those requests alone would need a one-segment wildcard: for
 * `GET /files/{proxy+}` (anyone) and `ANY /files/{id}` (admins), `GET /files/1` belongs to the admins'
 * route, `GET /files/1/2` to everyone's, and `GET/files/*` matches both.
 */
function checkPreemption(r: Route, s: Route, root: ConfigPath): void {
  if (r === s || admitsSubset(r.rule.rule, s.rule.rule)) return;
  if (!verbsOverlap(r.template, s.template) || compareSpecificity(s.template, r.template) <= 0) return;
  if (!templatesOverlap(r.template, s.template)) return;
  throw new ConfigError(
    [...root, s.rule.index, 'route'],
    `${name(s.rule, root)} is the route API Gateway selects, being more specific, for some requests that ` +
      `${name(r.rule, root)} also matches, and it admits fewer callers; a policy cannot allow the one and ` +
      'deny the other there (a policy wildcard matches any number of path segments); ' +
      'give them the same groups/scopes or make the routes disjoint',
  );
}

/**
 * A caller allowed by a rule would need a Deny for the requests its pattern over-reaches to (overreach.ts)
 * and an Allow for some of them at once: one rule it may use and one it may not are both behind the same
 * `{param}`. For public `GET /x/{id}` and `GET /x/{id}/view` next to an admins' `ANY /x/{proxy+}`,
 * `GET /x/1/view` and `GET /x/1/2` both need a wildcard over `1/view` and `1/2`.
 */
function checkOverreach(rules: readonly CompiledRule[], root: ConfigPath): void {
  for (const entry of overreachOf(rules).entries) {
    for (const t of entry.reach) {
      for (const s of entry.reach) {
        if (!someCallerOf(entry.rule.rule, t.rule, s.rule)) continue;
        throw new ConfigError(
          [...root, s.index, 'route'],
          `${name(s, root)} and ${name(t, root)} are both reached by ${entry.resource} (the policy pattern of ` +
            `${name(entry.rule, root)} where its {param} spans several segments), and some callers ` +
            `${at(root, entry.rule.index)} admits may use ${at(root, t.index)} but not ${at(root, s.index)}; ` +
            'a policy cannot deny the one and allow the other (IAM has no one-segment wildcard); ' +
            `give ${at(root, t.index)} and ${at(root, s.index)} the same groups/scopes or move one of them`,
        );
      }
    }
  }
}

/** `rules[2]`, or the rule as the root names it (`COGAUTH_RULES[2]`). */
function at(root: ConfigPath, index: number): string {
  return configPathText([...root, index]);
}

function name(rule: CompiledRule, root: ConfigPath): string {
  return `${at(root, rule.index)} ${JSON.stringify(rule.rule.route)}`;
}

const CASE_BLIND = 'once letter case is ignored (as Express and Fastify with caseSensitive: false route)';

/**
 * For routers that ignore letter case: the rules with their paths lower-cased must pass the checks above
 * and need exactly the Denies the rules as written get, or a router could send a request to a route whose
 * rule the case-sensitive decision never weighed (a public `GET /x/{id}` beside an admins-only
 * `ANY /X/{proxy+}`: Express routes `/x/1/2` to the latter, and no Deny covers it).
 */
export function checkCaseBlindRouteSelection(rules: readonly CompiledRule[], root: ConfigPath): void {
  const folded = rules.map((r) => ({
    ...r,
    rule: { ...r.rule, route: foldPath(r.rule.route, ' ') },
    resources: r.resources.map((x) => foldPath(x, '/')),
  }));
  try {
    checkRouteSelection(folded, root);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.path, `${CASE_BLIND}: ${error.detail}`);
  }
  const written = entryKeys(rules);
  const blind = entryKeys(folded);
  const differing = [...blind, ...written].find((key) => !written.includes(key) || !blind.includes(key));
  if (differing === undefined) return;
  const rule = rules.find((r) => r.index === Number(differing.split('|')[0])) as CompiledRule;
  throw new ConfigError(
    [...root, rule.index, 'route'],
    `${name(rule, root)} reaches other routes than as written ${CASE_BLIND}, so the Denies made for ` +
      'it would not fit what the router selects; spell the literal segments of overlapping routes alike',
  );
}

/** Lower-cases what follows the verb (`GET /A/{Id}` → `GET /a/{id}`, `GET/A/*` → `GET/a/*`). */
function foldPath(text: string, after: string): string {
  const at = text.indexOf(after);
  return at < 0 ? text : text.slice(0, at) + text.slice(at).toLowerCase();
}

function entryKeys(rules: readonly CompiledRule[]): string[] {
  return overreachOf(rules).entries.map(
    (e) =>
      `${e.rule.index}|${foldPath(e.resource, '/')}|${e.reach.map((r) => r.index).sort((a, b) => a - b)}`,
  );
}

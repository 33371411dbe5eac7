/**
 * API Gateway's route selection and cache-safe IAM answers for access models whose grants are any set of
 * HTTP routes (`@cogauth/cedar`: the actions a principal is permitted), where route rules are checked at
 * start-up instead (exactness.ts). A caller's policy allows its routes' patterns and denies, as an explicit
 * Deny, every request those patterns reach that API Gateway would send to a route it is not granted: the
 * over-reach of each `{param}` (overreach.ts) unless all the routes it reaches are granted, and each more
 * specific route that is not granted where it takes requests of a granted one (`GET /users/me` beside a
 * granted `GET /users/{id}`). For a grant the rules could express, that is the policy the rules get; for any
 * other, the Denies may reach further than needed (fail closed): a request whose selected route is granted
 * but which the policy denies (`RoutePolicy.allows`) needs an answer for that request alone.
 */

import { ConfigError } from '../errors.js';
import type { PolicyResources } from './access-model.js';
import { globMatch } from './glob.js';
import { remember } from './memo.js';
import { overreachOf } from './overreach.js';
import { type RouteTemplate, routeTemplate } from './route.js';
import { type RoutePattern, routePattern } from './route-pattern.js';
import { type CompiledRule, compileRules } from './rules.js';
import { compareSpecificity, templatesOverlap, verbsOverlap } from './template.js';

/** A grant's IAM answer: its resources, and how API Gateway evaluates them for one request. */
export interface RoutePolicy extends PolicyResources {
  /** Whether the policy allows `method path`: an Allow matches it and no Deny does (IAM's evaluation). */
  allows(method: string, path: string): boolean;
  /** Whether one of its Denies matches `method path` (an explicit Deny wins over any Allow). */
  denies(method: string, path: string): boolean;
}

/** Routes whose callers may be granted any subset of them, with API Gateway's route selection. */
export interface RouteGrants {
  /** The routes as given, `GET /users/{id}`, with their policy patterns. */
  readonly routes: readonly RoutePattern[];
  /**
   * The routes API Gateway selects for the request (the most specific match; several only when equally
   * specific), by index; empty when none of the routes matches it (a request to a route not listed).
   */
  select(method: string, path: string): readonly number[];
  /** The IAM answer for a caller granted exactly the routes `permitted` (indexes); memoized per set. */
  policyFor(permitted: readonly number[]): RoutePolicy;
  /**
   * The route every request of an HTTP API route key selects (a simple answer cached by route key is then
   * right for all of them), or -1: `$default`, `ANY`, a key no route has, or one a more specific route cuts.
   */
  routeOfKey(routeKey: unknown): number;
  /**
   * Routes a router that ignores letter case may send the request to although their templates do not
   * match it as written (`GET /admin` for `/ADMIN`), by index.
   */
  caseBlindOnly(method: string, path: string): readonly number[];
}

/** Longer paths are no route of an API (API Gateway's limits are far below). */
const MAX_PATH_LENGTH = 2048;
const NONE: readonly number[] = Object.freeze([]);

interface Compiled {
  readonly pattern: RoutePattern;
  readonly template: RouteTemplate;
  /** The route as a rule no other route's callers satisfy, for the over-reach search. */
  readonly rule: CompiledRule;
}

/**
 * Compiles HTTP routes in the rule grammar (`GET /users/{id}`, `ANY /files/{proxy+}`); a ConfigError names
 * the first that is not one (`routes[2]`).
 */
export function routeGrants(routes: readonly string[]): RouteGrants {
  if (!Array.isArray(routes)) throw new ConfigError('routes', 'must be an array of HTTP routes');
  const compiled = compileRoutes(routes);
  return new Grants(compiled);
}

function compileRoutes(routes: readonly string[]): Compiled[] {
  const templates = routes.map((route, i) => {
    const template = typeof route === 'string' ? routeTemplate(route) : undefined;
    if (template === undefined)
      throw new ConfigError(['routes', i], `is no HTTP route: ${JSON.stringify(route)}`);
    return template;
  });
  // A requirement of its own per route: no route's callers are assumed to hold another's.
  const rules = compileRules(routes.map((route, i) => ({ route, groups: [`\u0000route${i}`] })));
  return routes.map((route, i) => ({
    pattern: routePattern(route),
    template: templates[i] as RouteTemplate,
    rule: rules[i] as CompiledRule,
  }));
}

/**
 * `n` takes requests of `p` (at least as specific, a verb in common, templates that meet: equally specific
 * ones are the same route twice, which fails closed), with the resources of `n` for those verbs.
 */
interface Preemption {
  readonly n: number;
  readonly p: number;
  readonly resources: readonly string[];
}

class Grants implements RouteGrants {
  readonly routes: readonly RoutePattern[];
  readonly #compiled: readonly Compiled[];
  readonly #overreach: ReturnType<typeof overreachOf>;
  readonly #preemptions: readonly Preemption[];
  readonly #policies = new Map<string, RoutePolicy>();
  readonly #selected = new Map<string, readonly number[]>();

  constructor(compiled: readonly Compiled[]) {
    this.#compiled = compiled;
    this.routes = Object.freeze(compiled.map((c) => c.pattern));
    this.#overreach = overreachOf(compiled.map((c) => c.rule));
    this.#preemptions = preemptionsOf(compiled);
  }

  select(method: string, path: string): readonly number[] {
    const key = `${method} ${path}`;
    let found = this.#selected.get(key);
    if (found === undefined) {
      found = selectIn(this.#compiled, method, path, false);
      remember(this.#selected, key, found);
    }
    return found;
  }

  policyFor(permitted: readonly number[]): RoutePolicy {
    const held = new Set(permitted);
    const key = [...held].sort((a, b) => a - b).join();
    let policy = this.#policies.get(key);
    if (policy === undefined) {
      policy = remember(this.#policies, key, this.#policyOf(held));
    }
    return policy;
  }

  #policyOf(held: ReadonlySet<number>): RoutePolicy {
    const allow: string[] = [];
    for (const i of [...held].sort((a, b) => a - b))
      allow.push(...(this.#compiled[i] as Compiled).pattern.resources);
    const deny = new Set<string>();
    const isHeld = (rule: CompiledRule) => held.has(rule.index);
    for (const e of this.#overreach.entries) {
      if (isHeld(e.rule) && !e.reach.every(isHeld)) deny.add(e.resource);
    }
    for (const x of this.#preemptions) {
      if (held.has(x.p) && !held.has(x.n)) for (const r of x.resources) deny.add(r);
    }
    return policyOf(Object.freeze(allow), Object.freeze([...deny]));
  }

  routeOfKey(routeKey: unknown): number {
    if (typeof routeKey !== 'string' || routeKey.length > MAX_PATH_LENGTH) return -1;
    const key = routeTemplate(routeKey);
    if (key === undefined || key.any || key.verbs.length !== 1) return -1;
    const same = this.#compiled.findIndex((c) => sameTemplate(c.template, key));
    if (same < 0) return -1;
    const t = (this.#compiled[same] as Compiled).template;
    const cut = this.#compiled.some(
      (c, i) =>
        i !== same &&
        verbsOverlap(c.template, t) &&
        templatesOverlap(c.template, t) &&
        compareSpecificity(c.template, t) >= 0,
    );
    return cut ? -1 : same;
  }

  caseBlindOnly(method: string, path: string): readonly number[] {
    const blind = selectIn(this.#compiled, method, path, true, true);
    if (blind.length === 0) return NONE;
    const written = new Set(selectIn(this.#compiled, method, path, false, true));
    return blind.filter((i) => !written.has(i));
  }
}

function policyOf(allow: readonly string[], deny: readonly string[]): RoutePolicy {
  const denies = (method: string, path: string): boolean => {
    const resource = `${method}${path}`;
    return deny.some((g) => globMatch(g, resource));
  };
  return Object.freeze({
    allow,
    deny,
    allows(method: string, path: string): boolean {
      const resource = `${method}${path}`;
      return allow.some((g) => globMatch(g, resource)) && !denies(method, path);
    },
    denies,
  });
}

function preemptionsOf(compiled: readonly Compiled[]): Preemption[] {
  const out: Preemption[] = [];
  compiled.forEach((n, ni) => {
    compiled.forEach((p, pi) => {
      if (ni === pi || !verbsOverlap(n.template, p.template)) return;
      const shared = n.pattern.resources.filter((r) => p.template.verbs.some((v) => r.startsWith(`${v}/`)));
      const resources = takesRequestsOf(n, p) ? shared : literalReached(n, p, shared);
      if (resources.length > 0) out.push({ n: ni, p: pi, resources: Object.freeze(resources) });
    });
  });
  return out;
}

function takesRequestsOf(n: Compiled, p: Compiled): boolean {
  return compareSpecificity(n.template, p.template) >= 0 && templatesOverlap(n.template, p.template);
}

/**
 * A route with no parameter is its own resource; `p`'s pattern may match it with a `*` that stands for no
 * characters at all (`GET/*` of `GET /{proxy+}` matches `GET/`, the root), which no template comparison sees.
 * Its resources for the verbs in common are denied unless `p` is the route API Gateway selects there.
 */
function literalReached(n: Compiled, p: Compiled, shared: readonly string[]): string[] {
  if (n.template.greedy || n.template.items.includes(null)) return [];
  // Where `p`'s template takes the request too, the more specific of the two has it.
  const path = n.template.items as readonly string[];
  if (templateMatches(p.template, path, false) && compareSpecificity(n.template, p.template) < 0) return [];
  return shared.filter((r) => p.pattern.resources.some((g) => globMatch(g, r)));
}

function sameTemplate(a: RouteTemplate, b: RouteTemplate): boolean {
  return (
    a.any === b.any &&
    a.greedy === b.greedy &&
    a.verbs.join() === b.verbs.join() &&
    a.items.length === b.items.length &&
    a.items.every((x, i) => x === b.items[i])
  );
}

/**
 * The matching routes (every one with `all`, else the most specific), ignoring letter case in literal
 * segments with `fold`. A path's segments are what lies between its slashes; an empty one matches no
 * `{param}` and no greedy rest.
 */
function selectIn(
  compiled: readonly Compiled[],
  method: string,
  path: string,
  fold: boolean,
  all = false,
): readonly number[] {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > MAX_PATH_LENGTH) return NONE;
  const segments = path === '/' ? [] : path.slice(1).split('/');
  const lower = fold ? segments.map((s) => s.toLowerCase()) : segments;
  let best: number[] = [];
  compiled.forEach((c, i) => {
    if (!(c.template.verbs as readonly string[]).includes(method)) return;
    if (!templateMatches(c.template, lower, fold)) return;
    if (all || best.length === 0) {
      best.push(i);
      return;
    }
    const order = compareSpecificity(c.template, (compiled[best[0] as number] as Compiled).template);
    if (order > 0) best = [i];
    else if (order === 0) best.push(i);
  });
  return best.length === 0 ? NONE : Object.freeze(best);
}

function templateMatches(t: RouteTemplate, segments: readonly string[], fold: boolean): boolean {
  const fixed = t.items.length;
  if (t.greedy ? segments.length <= fixed : segments.length !== fixed) return false;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    if (s === '') return false;
    if (i >= fixed) continue;
    const item = t.items[i] as string | null;
    if (item !== null && (fold ? item.toLowerCase() : item) !== s) return false;
  }
  return true;
}

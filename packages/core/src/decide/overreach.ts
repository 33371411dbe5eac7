/**
 * Where a rule's policy pattern reaches further than its route, and the Deny statements that take it back.
 *
 * API Gateway sends a request to one route: `{param}` takes exactly one path segment. The policy wildcard
 * standing for it (`GET/x/*` for `GET /x/{id}`) matches any characters, `/` included, and IAM has no
 * one-segment wildcard. So an Allow for `GET /x/{id}` also matches `GET /x/1/2`, which API Gateway may route
 * to another rule's route (`ANY /x/{proxy+}`, admins only). For each `{param}` of each rule, the pattern with
 * that wildcard doubled (`GET/x/*` → `GET/x/*` + `/*`) covers exactly the requests the pattern matches only
 * because the wildcard spans two or more segments; `reach` is every rule API Gateway selects for one of
 * them. A caller allowed by the rule whom none of `reach` admits gets that pattern as an explicit Deny; one
 * whom all of them admit needs none. Rule sets where some caller would need both are refused at start-up
 * (exactness.ts).
 */

import { globsOverlap } from './glob.js';
import { admitsSubset, requirementKey } from './requirements.js';
import { type RouteTemplate, routeTemplate } from './route.js';
import type { CompiledRule } from './rules.js';
import { compareSpecificity } from './template.js';

export interface OverreachEntry {
  /** The rule whose pattern reaches too far. */
  readonly rule: CompiledRule;
  /** The resource suffix to deny (`GET/x/*` + `/*`). */
  readonly resource: string;
  /** The rules whose routes API Gateway selects for requests `resource` matches. */
  readonly reach: readonly CompiledRule[];
}

/** An HTTP rule, its route template and its policy path (`x/*` of `GET/x/*`, the same for each verb). */
export interface Route {
  readonly rule: CompiledRule;
  readonly template: RouteTemplate;
  readonly path: string;
}

const NONE: readonly string[] = Object.freeze([]);

/** The over-reach of a rule set, and the Deny resources per permitted-rule set. */
export class Overreach {
  readonly entries: readonly OverreachEntry[];
  readonly #denies = new WeakMap<readonly CompiledRule[], readonly string[]>();

  constructor(entries: readonly OverreachEntry[]) {
    this.entries = entries;
  }

  /** The resource suffixes to deny a caller whose permitted rules are `permitted` (memoized per array). */
  deniesFor(permitted: readonly CompiledRule[]): readonly string[] {
    if (this.entries.length === 0) return NONE;
    let denies = this.#denies.get(permitted);
    if (denies === undefined) {
      const held = new Set(permitted);
      const active = this.entries.filter((e) => held.has(e.rule) && !e.reach.some((r) => held.has(r)));
      denies = Object.freeze(active.map((e) => e.resource));
      this.#denies.set(permitted, denies);
    }
    return denies;
  }
}

const computed = new WeakMap<readonly CompiledRule[], Overreach>();

/** The over-reach of `rules` (computed once per array: parseRules' check and the handlers share it). */
export function overreachOf(rules: readonly CompiledRule[]): Overreach {
  let overreach = computed.get(rules);
  if (overreach === undefined) {
    overreach = new Overreach(Object.freeze(entriesOf(routesOf(rules))));
    computed.set(rules, overreach);
  }
  return overreach;
}

/** The HTTP rules with their templates (`$connect` and GraphQL rules have no path). */
export function routesOf(rules: readonly CompiledRule[]): Route[] {
  const routes: Route[] = [];
  for (const rule of rules) {
    const template = routeTemplate(rule.rule.route);
    const resource = rule.resources[0] as string;
    if (template) routes.push({ rule, template, path: resource.slice(resource.indexOf('/') + 1) });
  }
  return routes;
}

/**
 * The routes by the first segment of their policy path, so that a pattern is compared only with those
 * that could meet it: the same first segment, or a `*` there.
 */
export class Neighbors {
  readonly #all: readonly Route[];
  readonly #byFirst = new Map<string, Route[]>();

  constructor(routes: readonly Route[]) {
    this.#all = routes;
    for (const r of routes) {
      const first = firstSegment(r.path);
      const list = this.#byFirst.get(first);
      if (list) list.push(r);
      else this.#byFirst.set(first, [r]);
    }
  }

  /** The routes whose patterns may meet `path` (`x/*`): a superset, in rule order. */
  of(path: string): readonly Route[] {
    const first = firstSegment(path);
    if (first === '*') return this.#all;
    const same = this.#byFirst.get(first) ?? [];
    const wild = this.#byFirst.get('*') ?? [];
    if (wild.length === 0) return same;
    return [...same, ...wild].sort((a, b) => a.rule.index - b.rule.index);
  }
}

function firstSegment(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(0, slash);
}

function entriesOf(routes: readonly Route[]): OverreachEntry[] {
  const neighbors = new Neighbors(routes);
  // Only a rule that leaves out some of r's callers can make a Deny necessary; rules share requirements.
  const stricterThan = new Map<string, Route[]>();
  const entries: OverreachEntry[] = [];
  for (const r of routes) {
    const key = requirementKey(r.rule);
    let stricter = stricterThan.get(key);
    if (stricter === undefined) {
      stricter = routes.filter((t) => !admitsSubset(r.rule, t.rule));
      stricterThan.set(key, stricter);
    }
    if (stricter.length === 0) continue;
    r.template.items.forEach((item, at) => {
      if (item === null) entries.push(...entriesAt(r, at, neighbors, stricter));
    });
  }
  return entries;
}

/**
 * The entries for the `{param}` at `at` of `r`, one per verb whose over-reach reaches one of the `stricter`
 * rules. Only routes whose patterns meet the widened pattern can be selected for a request it matches, so
 * the search runs over those alone, once per set of them (the verbs of `ANY` rules share it).
 */
function entriesAt(r: Route, at: number, neighbors: Neighbors, stricter: readonly Route[]): OverreachEntry[] {
  const path = widened(r.template, at);
  const near = neighbors.of(path).filter((t) => globsOverlap(t.path, path));
  const isStricter = (rule: CompiledRule) => stricter.some((t) => t.rule === rule);
  if (!near.some((t) => isStricter(t.rule))) return [];
  const searched = new Map<string, CompiledRule[]>();
  const entries: OverreachEntry[] = [];
  for (const verb of r.template.verbs) {
    const candidates = near.filter((t) => t.template.verbs.includes(verb));
    if (!candidates.some((t) => isStricter(t.rule))) continue;
    const key = candidates.map((t) => t.rule.index).join();
    let reach = searched.get(key);
    if (reach === undefined) {
      reach = reachOf(path, candidates);
      searched.set(key, reach);
    }
    if (reach.some(isStricter))
      entries.push({ rule: r.rule, resource: `${verb}/${path}`, reach: Object.freeze(reach) });
  }
  return entries;
}

/** The template's policy path with the wildcard of item `at` doubled: `x/*` + `/*` for `/x/{id}`, item 1. */
function widened(t: RouteTemplate, at: number): string {
  const path = t.items.map((item, i) => (item !== null ? item : i === at ? '*/*' : '*'));
  if (t.greedy) path.push('*');
  return path.join('/');
}

/** A segment no pattern or route names: it stands for every such segment (segments are never empty). */
const OTHER = '';

interface State {
  /** The pattern items reached (`items.length`: the whole pattern matched). */
  readonly pattern: readonly number[];
  /** Per route: the template item reached, past the end for a greedy rest, -1 when it cannot match. */
  readonly routes: readonly number[];
}

/**
 * Every rule API Gateway selects, among `routes` (the routes of one verb), for some request path that a
 * policy path matches: a breadth-first search over the product of the pattern (a `*` takes one or more
 * segments) and every route template, one path segment at a time. Segments that no pattern item or route
 * names behave alike, so one stands for all of them, and the states are finite: the search is exact.
 */
export function reachOf(path: string, routes: readonly Route[]): CompiledRule[] {
  const items = path.split('/');
  const reach = new Set<CompiledRule>();
  const seen = new Set<string>();
  let frontier: State[] = [{ pattern: [0], routes: routes.map(() => 0) }];
  while (frontier.length > 0) {
    const next: State[] = [];
    for (const state of frontier) {
      if (state.pattern.includes(items.length)) for (const r of selected(routes, state)) reach.add(r);
      for (const segment of segmentsAfter(items, routes, state)) {
        const pattern = patternStep(items, state.pattern, segment);
        if (pattern.length === 0) continue;
        const at = routes.map((r, k) => templateStep(r.template, state.routes[k] as number, segment));
        const key = `${pattern.join(',')}|${at.join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        next.push({ pattern, routes: at });
      }
    }
    frontier = next;
  }
  return [...reach];
}

/** The segments worth trying next: any other segment, and the literals the pattern or a route expects. */
function segmentsAfter(items: readonly string[], routes: readonly Route[], state: State): Set<string> {
  const out = new Set<string>([OTHER]);
  for (const i of state.pattern) {
    const item = items[i];
    if (item !== undefined && item !== '*') out.add(item);
  }
  routes.forEach((r, k) => {
    const item = r.template.items[state.routes[k] as number];
    if (typeof item === 'string') out.add(item);
  });
  return out;
}

function patternStep(items: readonly string[], at: readonly number[], segment: string): number[] {
  const out: number[] = [];
  const add = (i: number) => {
    if (!out.includes(i)) out.push(i);
  };
  for (const i of at) {
    // Right after a `*` that took a segment, it may take this one too.
    if (i > 0 && items[i - 1] === '*') add(i);
    if (i < items.length && (items[i] === '*' || items[i] === segment)) add(i + 1);
  }
  return out.sort((a, b) => a - b);
}

function templateStep(t: RouteTemplate, at: number, segment: string): number {
  if (at < 0) return -1;
  const fixed = t.items.length;
  if (at < fixed) {
    const item = t.items[at];
    return item === null || item === segment ? at + 1 : -1;
  }
  return t.greedy ? fixed + 1 : -1;
}

function accepts(t: RouteTemplate, at: number): boolean {
  return at === (t.greedy ? t.items.length + 1 : t.items.length);
}

/** The most specific routes that match the path read so far (several only when equally specific). */
function selected(routes: readonly Route[], state: State): CompiledRule[] {
  let best: Route[] = [];
  routes.forEach((r, k) => {
    if (!accepts(r.template, state.routes[k] as number)) return;
    const order = best.length === 0 ? 1 : compareSpecificity(r.template, (best[0] as Route).template);
    if (order > 0) best = [r];
    else if (order === 0) best.push(r);
  });
  return best.map((r) => r.rule);
}

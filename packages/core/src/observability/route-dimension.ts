import type { DecisionRequest } from '../decide/decide.js';
import { type RouteTemplate, routeTemplate } from '../decide/route.js';
import type { CompiledRule } from '../decide/rules.js';
import { compareSpecificity } from '../decide/template.js';
import { NO_ROUTE } from './metric-names.js';

interface TemplateOf {
  readonly route: string;
  readonly template: RouteTemplate;
}

const MAX_SEGMENTS = 256;

/** Whether `template` takes the request `segments` with `method` (API Gateway's matching, route.ts). */
function takes(t: RouteTemplate, method: string, segments: readonly string[]): boolean {
  if (!(t.verbs as readonly string[]).includes(method)) return false;
  const fixed = t.items.length;
  if (t.greedy ? segments.length <= fixed : segments.length !== fixed) return false;
  for (let i = 0; i < fixed; i++) {
    const item = t.items[i];
    if (item !== null && item !== segments[i]) return false;
  }
  return true;
}

/**
 * The `Route` dimension: for a request, the route of the rule API Gateway selects for it (the most specific
 * match, template.ts), so its values come from the rule set alone; `(none)` for anything else. A caller's
 * path never becomes a dimension value, so the metric count stays bounded by the rules.
 */
export class RouteNames {
  readonly #http: readonly TemplateOf[];
  readonly #other: ReadonlySet<string>;

  constructor(rules: readonly CompiledRule[]) {
    const http: TemplateOf[] = [];
    const other = new Set<string>();
    for (const r of rules) {
      const template = routeTemplate(r.rule.route);
      if (template) http.push({ route: r.rule.route, template });
      else other.add(r.rule.route);
    }
    this.#http = http;
    this.#other = other;
  }

  of(request: DecisionRequest | undefined): string {
    if (request === undefined) return NO_ROUTE;
    if (request.kind === 'websocket') return this.#other.has(request.routeKey) ? request.routeKey : NO_ROUTE;
    if (request.kind === 'graphql') {
      const route = `GRAPHQL ${request.field}`;
      return request.field !== undefined && this.#other.has(route) ? route : NO_ROUTE;
    }
    return this.#httpRoute(request.method, request.path);
  }

  #httpRoute(method: string, path: string): string {
    if (typeof path !== 'string' || !path.startsWith('/')) return NO_ROUTE;
    const segments = path === '/' ? [] : path.slice(1).split('/', MAX_SEGMENTS + 1);
    if (segments.length > MAX_SEGMENTS) return NO_ROUTE;
    let best: TemplateOf | undefined;
    for (const candidate of this.#http) {
      if (!takes(candidate.template, method, segments)) continue;
      if (best === undefined || compareSpecificity(candidate.template, best.template) > 0) best = candidate;
    }
    return best === undefined ? NO_ROUTE : best.route;
  }
}

/**
 * How API Gateway ranks the route templates a request matches, and how a template compares with a policy
 * pattern. A request path is a sequence of non-empty segments; a template (route.ts) takes one segment per
 * item and, when greedy, one or more at the end.
 *
 * Ranking follows the HTTP API developer guide ("Routing API requests": the most specific match wins, a
 * greedy `{proxy+}` route only when no route matches fully, `ANY` only for verbs the path does not define),
 * read position by position as a REST resource tree is walked: a literal segment before a `{param}`, a
 * `{param}` before the greedy rest, then a verb before `ANY`.
 */

import type { RouteTemplate } from './route.js';

const LITERAL = 2;
const PARAM = 1;
const REST = 0;

/** Pattern items of `patternMeetsTemplate` beside literals (which are never empty and hold no NUL). */
const ONE = '\u0000one';
const MANY = '\u0000many';

function rank(t: RouteTemplate, at: number): number {
  const item = t.items[at];
  if (item === undefined) return REST;
  return item === null ? PARAM : LITERAL;
}

/**
 * Positive when API Gateway prefers `a` to `b` for a request both match, negative for the reverse, 0 when
 * neither is more specific (the same path shape and verb kind).
 */
export function compareSpecificity(a: RouteTemplate, b: RouteTemplate): number {
  const length = Math.max(a.items.length, b.items.length) + 1;
  for (let at = 0; at < length; at++) {
    const diff = rank(a, at) - rank(b, at);
    if (diff !== 0) return diff;
    if (rank(a, at) === REST) break;
  }
  return (a.any ? 0 : 1) - (b.any ? 0 : 1);
}

/** Whether some request path matches both templates (verbs aside). */
export function templatesOverlap(a: RouteTemplate, b: RouteTemplate): boolean {
  const shared = Math.min(a.items.length, b.items.length);
  for (let at = 0; at < shared; at++) {
    const x = a.items[at];
    const y = b.items[at];
    if (x !== null && y !== null && x !== y) return false;
  }
  if (a.items.length === b.items.length) return a.greedy === b.greedy;
  return a.items.length < b.items.length ? a.greedy : b.greedy;
}

export function verbsOverlap(a: RouteTemplate, b: RouteTemplate): boolean {
  return a.verbs.some((v) => b.verbs.includes(v));
}

/**
 * Whether the path of a policy pattern (`x/*` of `GET/x/*`, segments split) matches some request path that
 * `template` matches. A pattern segment `*` takes one or more whole segments, as it does in a policy
 * resource for paths without empty segments. One dynamic program over (pattern item, template item).
 */
export function patternMeetsTemplate(pattern: readonly string[], template: RouteTemplate): boolean {
  // A `*` is "one segment, then any number more": ONE followed by MANY (zero or more).
  const items: string[] = [];
  for (const p of pattern) items.push(...(p === '*' ? [ONE, MANY] : [p]));
  const width = template.items.length + 1;
  // meets[i * width + j]: items[i..] and the template from its item j on have a common match.
  const meets = new Uint8Array((items.length + 1) * width);
  for (let i = items.length; i >= 0; i--) {
    for (let j = width - 1; j >= 0; j--) meets[i * width + j] = step(items, i, j, template, meets) ? 1 : 0;
  }
  return meets[0] === 1;
}

function step(items: readonly string[], i: number, j: number, t: RouteTemplate, meets: Uint8Array): boolean {
  const width = t.items.length + 1;
  const at = (ii: number, jj: number) => meets[ii * width + jj] === 1;
  // The template's fixed items are used up: what remains is nothing, or one or more free segments.
  if (j === t.items.length) return t.greedy ? i < items.length : items.slice(i).every((x) => x === MANY);
  if (i === items.length) return false;
  const item = items[i];
  if (item === MANY) return at(i + 1, j) || at(i, j + 1);
  const fixed = t.items[j];
  return (item === ONE || fixed === null || fixed === item) && at(i + 1, j + 1);
}

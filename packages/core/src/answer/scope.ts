import type { PolicyResources } from '../decide/access-model.js';
import { globMatch, globsOverlap } from '../decide/glob.js';
import { GlobIndex } from '../decide/glob-index.js';
import { remember } from '../decide/memo.js';
import { routeResources } from '../decide/route.js';

/**
 * Per-request answers (`answerMode: 'per-request'`, and every WebSocket `$connect` answer): the part of a
 * grant's IAM answer that decides the requests an answer is reused for exactly as the whole answer does.
 * The part is the Allows that can match such a request, with every Deny that meets one of them, so it
 * never admits a string the whole answer refuses: a part reused where it was not built for (a cache keyed
 * by token alone) can answer a stale 403, never a wrong Allow (tests/unit/answer-scope.test.ts).
 */

const NONE: PolicyResources = /* @__PURE__ */ Object.freeze({ allow: [], deny: [] });

/** Route keys are API Gateway's own (`GET /messages/{id}`); anything longer is not one to read. */
const MAX_ROUTE_KEY_LENGTH = 2048;

interface Memo {
  readonly allows: GlobIndex<string>;
  readonly denies: GlobIndex<string>;
  /** Parts per Allow that matched a request, and per route key. */
  readonly parts: Map<string, PolicyResources>;
}

const memos = new WeakMap<PolicyResources, Memo>();

function memoOf(resources: PolicyResources): Memo {
  let memo = memos.get(resources);
  if (memo === undefined) {
    memo = {
      allows: new GlobIndex(resources.allow, same),
      denies: new GlobIndex(resources.deny, same),
      parts: new Map(),
    };
    memos.set(resources, memo);
  }
  return memo;
}

const same = (glob: string): string => glob;

/**
 * The answer for one request (`resource`: `GET/messages/42`, `$connect`) that is not reused for another:
 * when allowed, one Allow that matches it and the Denies meeting that Allow; otherwise nothing (the answer
 * is then a Deny).
 */
export function requestPart(resources: PolicyResources, resource: string, allowed: boolean): PolicyResources {
  if (!allowed) return NONE;
  const memo = memoOf(resources);
  const allow = memo.allows.near(resource).find((a) => globMatch(a, resource));
  if (allow === undefined) return NONE;
  return memo.parts.get(allow) ?? remember(memo.parts, allow, partFor(memo, [allow]));
}

/**
 * The answer API Gateway reuses for every request of an HTTP API route key (identity sources
 * `$request.header.Authorization` and `$context.routeKey`): the Allows meeting the route's requests
 * (`GET /x/{id}`: `GET/x/*`; `$default`: everything), and the Denies meeting those. A request outside the
 * route key's own patterns gets its own part, as if it were not reused.
 */
export function routeKeyPart(
  resources: PolicyResources,
  routeKey: unknown,
  resource: string,
  allowed: boolean,
): PolicyResources {
  const globs = routeKeyGlobs(routeKey);
  if (!globs.some((g) => globMatch(g, resource))) return requestPart(resources, resource, allowed);
  const memo = memoOf(resources);
  const key = `\u0000${routeKey as string}`;
  let part = memo.parts.get(key);
  if (part === undefined) {
    const allow = resources.allow.filter((a) => globs.some((g) => globsOverlap(a, g)));
    part = remember(memo.parts, key, partFor(memo, allow));
  }
  return part;
}

/** `allow` and the Denies that meet one of its globs. */
function partFor(memo: Memo, allow: readonly string[]): PolicyResources {
  const deny = new Set<string>();
  for (const a of allow) for (const d of memo.denies.near(a)) if (globsOverlap(a, d)) deny.add(d);
  return Object.freeze({ allow: Object.freeze([...allow]), deny: Object.freeze([...deny]) });
}

/** Patterns matching every request of a route key: `$default`, or one that does not parse, matches all. */
function routeKeyGlobs(routeKey: unknown): readonly string[] {
  if (typeof routeKey !== 'string' || routeKey.length > MAX_ROUTE_KEY_LENGTH) return ['*'];
  return routeResources(routeKey) ?? ['*'];
}

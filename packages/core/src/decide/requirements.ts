/**
 * Who a rule admits, compared between rules without enumerating callers. A requirement is any-of on each
 * claim it names (`groups` on `cognito:groups`, `scopes` on `scope`), all named claims together, so a
 * caller can hold any mix of names: these answers are exact, not approximations.
 */

export interface Requirement {
  readonly groups?: readonly string[] | undefined;
  readonly scopes?: readonly string[] | undefined;
}

/** Whether everyone `a` admits is admitted by `b`. */
export function admitsSubset(a: Requirement, b: Requirement): boolean {
  return !someCallerOf(a, a, b);
}

/** Whether some caller is admitted by both `a` and `b` but not by `not`. */
export function someCallerOf(a: Requirement, b: Requirement, not: Requirement): boolean {
  return escapes(a.groups, b.groups, not.groups) || escapes(a.scopes, b.scopes, not.scopes);
}

/** Whether a caller can meet `a` and `b` on one claim while holding none of the names `not` asks for. */
function escapes(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
  not: readonly string[] | undefined,
): boolean {
  return not !== undefined && outside(a, not) && outside(b, not);
}

/** Whether `names` is absent (anyone meets it) or has a name `not` lacks. */
function outside(names: readonly string[] | undefined, not: readonly string[]): boolean {
  return names === undefined || names.some((n) => !not.includes(n));
}

/** A key equal for rules with the same requirement as written. */
export function requirementKey(r: Requirement): string {
  return JSON.stringify([r.groups ?? null, r.scopes ?? null]);
}

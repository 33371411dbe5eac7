import type { CompiledRule, Held } from './rules.js';

/**
 * Every combination of the rules' group and scope names a caller can hold, as what `satisfies` reads
 * (`Held`): a caller's grant depends on which of these names its token carries and on nothing else, so
 * the grants of these combinations are all the grants there are. Undefined when the rules name more than
 * `maxNames` (2^names combinations).
 */
export function heldSets(rules: readonly CompiledRule[], maxNames: number): Held[] | undefined {
  const groups = [...new Set(rules.flatMap((r) => r.groups ?? []))];
  const scopes = [...new Set(rules.flatMap((r) => r.scopes ?? []))];
  const names = groups.length + scopes.length;
  if (names > maxNames) return undefined;
  const sets: Held[] = [];
  for (let mask = 0; mask < 2 ** names; mask++) {
    const held = (list: readonly string[], from: number) => list.filter((_, i) => (mask >> (from + i)) & 1);
    sets.push({ groups: held(groups, 0), scope: held(scopes, groups.length).join(' ') });
  }
  return sets;
}

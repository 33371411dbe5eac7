/**
 * Which of a rule's policy resources an IAM answer needs, for every caller at once: a resource is left out
 * when another rule's resource contains it (glob.ts `globContains`) and every caller the rule admits is
 * admitted by that other rule too (requirements.ts `admitsSubset`, exact), so whoever holds the one holds
 * the other, and the union of a grant's Allows stays the same. `GET/a/b` of an admins-only rule goes when
 * an admins-only (or public) rule allows `GET/a/*`; a public `GET/a/b` stays beside an admins-only
 * `GET/a/*`. Computed once per rule set, so the answers and the start-up size bound (`policyBound`) share it.
 */

import { globContains } from './glob.js';
import { GlobIndex } from './glob-index.js';
import { admitsSubset } from './requirements.js';
import type { CompiledRule } from './rules.js';

interface Entry {
  readonly rule: CompiledRule;
  readonly resource: string;
  /** The entry's place in rule order: ties between equal globs go to the earlier one. */
  readonly order: number;
}

const computed = new WeakMap<readonly CompiledRule[], ReadonlyMap<CompiledRule, readonly string[]>>();

/**
 * Each rule's resources minus those every holder also gets, less or equal, from another rule. The relation
 * "x is left out for y" (a strictly larger glob, or an equal one earlier in rule order, of a rule admitting
 * everyone x's rule admits) has no cycles, so every resource left out is contained in one that stays, of a
 * rule its holders hold.
 */
export function keptResources(rules: readonly CompiledRule[]): ReadonlyMap<CompiledRule, readonly string[]> {
  let kept = computed.get(rules);
  if (kept === undefined) {
    kept = keep(rules);
    computed.set(rules, kept);
  }
  return kept;
}

function keep(rules: readonly CompiledRule[]): Map<CompiledRule, readonly string[]> {
  const entries: Entry[] = [];
  for (const rule of rules)
    for (const resource of rule.resources) entries.push({ rule, resource, order: entries.length });
  const index = new GlobIndex(entries, (e) => e.resource);
  const kept = new Map<CompiledRule, string[]>(rules.map((r) => [r, []]));
  for (const e of entries) {
    // Any string of `e.resource` (its `*` as a character no literal holds) is matched by what contains it.
    const sample = e.resource.replaceAll('*', '\u0000');
    const covered = index.near(sample).some((other) => coveredBy(e, other));
    if (!covered) kept.get(e.rule)?.push(e.resource);
  }
  for (const [rule, resources] of kept) kept.set(rule, Object.freeze(resources) as string[]);
  return kept;
}

function coveredBy(e: Entry, other: Entry): boolean {
  if (other === e || !admitsSubset(e.rule, other.rule)) return false;
  if (!globContains(other.resource, e.resource)) return false;
  return other.order < e.order || !globContains(e.resource, other.resource);
}

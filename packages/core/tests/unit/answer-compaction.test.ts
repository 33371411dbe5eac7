import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactResources } from '../../src/answer/compact.js';
import type { PolicyResources } from '../../src/decide/access-model.js';
import { globMatch } from '../../src/decide/glob.js';
import { keptResources } from '../../src/decide/kept-resources.js';
import { overreachOf } from '../../src/decide/overreach.js';
import { RouteAccess } from '../../src/decide/route-access.js';
import { compileParsedRules } from '../../src/decide/rules.js';
import { HTTP_VERBS, type RouteRule } from '../../src/rules.js';

/*
 * Compaction may only drop what changes nothing: for generated resource lists and generated strings,
 * adversarial ones included (methods that are not verbs, extra segments, a literal `*`, empty segments),
 * the compacted Allow/Deny lists admit exactly the strings the original lists admit. The IAM model is
 * core's glob matcher (`*`: any run of characters, `/` included).
 */

function admits(resources: PolicyResources, s: string): boolean {
  return resources.allow.some((a) => globMatch(a, s)) && !resources.deny.some((d) => globMatch(d, s));
}

const VERBS = [...HTTP_VERBS, 'FOO', '*'];
const SEGMENT = fc.constantFrom('a', 'b', 'ab', '*', 'a*', '*b', '');
const glob = fc
  .tuple(fc.constantFrom(...VERBS), fc.array(SEGMENT, { maxLength: 4 }))
  .map(([verb, segments]) => [verb, ...segments].join('/'));
const rawGlob = fc.stringMatching(/^[ab/*]{0,8}$/);
const anyGlob = fc.oneof(glob, glob, rawGlob);
const text = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...VERBS),
      fc.array(fc.constantFrom('a', 'b', 'ab', '*', 'c', ''), { maxLength: 5 }),
    )
    .map(([verb, segments]) => [verb, ...segments].join('/')),
  fc.stringMatching(/^[abc/*]{0,10}$/),
);
/** Strings a glob matches: each `*` replaced by a generated run. */
const instance = (g: string) =>
  fc
    .array(fc.stringMatching(/^[abc/]{0,4}$/), {
      minLength: g.split('*').length,
      maxLength: g.split('*').length,
    })
    .map((fills) => g.split('*').reduce((out, part, i) => (i === 0 ? part : out + fills[i - 1] + part), ''));

const lists = fc.record({
  allow: fc.array(anyGlob, { maxLength: 10 }),
  deny: fc.array(anyGlob, { maxLength: 5 }),
});

describe('compactResources', () => {
  it('admits exactly the strings the lists it compacts admit (property)', () => {
    fc.assert(
      fc.property(
        lists.chain((r) =>
          fc.tuple(
            fc.constant(r),
            fc.array(fc.oneof(text, ...[...r.allow, ...r.deny].map(instance)), {
              minLength: 20,
              maxLength: 40,
            }),
          ),
        ),
        ([resources, strings]) => {
          const compacted = compactResources(resources);
          for (const s of strings) expect(admits(compacted, s), s).toBe(admits(resources, s));
          // Only drops: every resource left was in the original lists.
          for (const a of compacted.allow) expect(resources.allow).toContain(a);
          for (const d of compacted.deny) expect(resources.deny).toContain(d);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('drops contained and repeated Allows, Allows inside a Deny, and Denies that take nothing back', () => {
    const compacted = compactResources({
      allow: ['GET/a/b', 'GET/a/*', 'GET/a/*', 'GET/c/*/d', 'GET/x/y', 'GET/c/*'],
      deny: ['GET/x/*', 'GET/a/*/*', 'GET/a/b/*/*', 'GET/z/*'],
    });
    expect(compacted).toEqual({ allow: ['GET/a/*', 'GET/c/*'], deny: ['GET/a/*/*'] });
  });

  it('never merges verbs into `*`: it would admit other paths and methods that are not verbs', () => {
    const seven = HTTP_VERBS.map((v) => `${v}/x`);
    expect(compactResources({ allow: seven, deny: [] }).allow).toEqual(seven);
    const merged = { allow: ['*/x'], deny: [] };
    expect(admits(merged, 'GET/a/x')).toBe(true);
    expect(admits(merged, 'PROPFIND/x')).toBe(true);
    expect(admits({ allow: seven, deny: [] }, 'GET/a/x')).toBe(false);
    expect(admits({ allow: seven, deny: [] }, 'PROPFIND/x')).toBe(false);
  });
});

/*
 * Route rules leave out, for every caller at once, a resource another rule holding the same callers (or
 * more) contains (kept-resources.ts). For generated rule sets and every caller, the policy of the grant
 * admits exactly what its rules' patterns minus its Denies admit.
 */
const GROUPS = ['admin', 'writers'];
const ruleArb: fc.Arbitrary<RouteRule> = fc.record(
  {
    route: fc
      .tuple(
        fc.constantFrom(...HTTP_VERBS.slice(0, 3), 'ANY'),
        fc.array(fc.constantFrom('a', 'b', '{id}', '*'), { maxLength: 3 }),
        fc.boolean(),
      )
      .map(([verb, segs, greedy]) => `${verb} /${[...segs, ...(greedy ? ['{proxy+}'] : [])].join('/')}`),
    groups: fc.subarray(GROUPS, { minLength: 1 }),
  },
  { requiredKeys: ['route'] },
);

describe('kept resources of route rules', () => {
  it('every grant admits what its rules admit (property)', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        fc.array(ruleArb, { minLength: 1, maxLength: 6 }),
        fc.array(text, { minLength: 30, maxLength: 30 }),
        (rules, strings) => {
          let compiled: ReturnType<typeof compileParsedRules>;
          try {
            compiled = compileParsedRules(rules);
          } catch {
            return; // a rule set parseRules refuses has no answers
          }
          checked++;
          const access = new RouteAccess(compiled);
          const kept = keptResources(compiled);
          for (const groups of [[], ['admin'], ['writers'], GROUPS]) {
            const caller = access.callerOf({
              sub: 's',
              token_use: 'access',
              'cognito:groups': groups,
            } as never);
            if (!('grant' in caller)) throw new Error('no caller');
            const { http, denies } = caller.grant;
            const full = { allow: http.flatMap((r) => r.resources), deny: denies };
            const policy = access.policyOf(caller.grant);
            const samples = [
              ...strings,
              ...full.allow.map((a) => a.replaceAll('*', 'q')),
              ...denies.map((d) => d.replaceAll('*', 'q/q')),
            ];
            for (const s of samples) {
              expect(admits(policy, s), s).toBe(admits(full, s));
              expect(admits(compactResources(policy), s), s).toBe(admits(full, s));
            }
            for (const a of policy.allow) expect(http.some((r) => kept.get(r)?.includes(a))).toBe(true);
          }
          expect(overreachOf(compiled)).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it('leaves out what a rule admitting the same callers or more contains, and only that', () => {
    const compiled = compileParsedRules([
      { route: 'ANY /admin/{proxy+}', groups: ['admin'] },
      { route: 'GET /admin/users', groups: ['admin'] },
      { route: 'GET /admin/health' },
      { route: 'GET /files/{proxy+}', groups: ['admin'] },
      { route: 'GET /files/{name}', groups: ['admin'] },
    ]);
    const kept = keptResources(compiled);
    // Every admin holds ANY /admin/{proxy+}: GET/admin/users goes. The public health check stays.
    expect(kept.get(compiled[1] as never)).toEqual([]);
    expect(kept.get(compiled[2] as never)).toEqual(['GET/admin/health']);
    // Equal patterns (GET/files/*) of rules admitting the same callers: the earlier one stays.
    expect(kept.get(compiled[3] as never)).toEqual(['GET/files/*']);
    expect(kept.get(compiled[4] as never)).toEqual([]);
  });
});

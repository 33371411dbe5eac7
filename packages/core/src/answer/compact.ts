import type { PolicyResources } from '../decide/access-model.js';
import { globContains, globsOverlap } from '../decide/glob.js';
import { GlobIndex } from '../decide/glob-index.js';

/**
 * Shortens an IAM answer's resource lists without changing what it admits: a string is admitted when an
 * Allow matches it and no Deny does, and that set stays exactly the same (a property test checks it over
 * generated lists and strings, tests/unit/answer-compaction.test.ts). What goes:
 *
 * - an Allow contained in another Allow (`GET/a/b` beside `GET/a/*`), or repeated;
 * - an Allow contained in a Deny: it admits nothing;
 * - a Deny contained in another Deny, or repeated;
 * - a Deny that meets no Allow left: it takes nothing back.
 *
 * Nothing is merged into a wider glob: IAM has no alternation, and a `*` verb (`*` + `/x` for the seven
 * verbs of `/x`) also matches `GET/a/x` and methods that are not verbs, so it would admit more. Works on any
 * access model's `policyOf` output; memoized per lists object.
 */
export function compactResources(resources: PolicyResources): PolicyResources {
  let compacted = memo.get(resources);
  if (compacted === undefined) {
    const deny = maximal(resources.deny);
    const denies = new GlobIndex(deny, same);
    const allow = maximal(resources.allow).filter(
      (a) => !denies.near(sample(a)).some((d) => globContains(d, a)),
    );
    const allows = new GlobIndex(allow, same);
    compacted = Object.freeze({
      allow: Object.freeze(allow),
      deny: Object.freeze(deny.filter((d) => allows.near(d).some((a) => globsOverlap(a, d)))),
    });
    memo.set(resources, compacted);
  }
  return compacted;
}

const memo = new WeakMap<PolicyResources, PolicyResources>();

const same = (glob: string): string => glob;

/** A string the glob matches, its `*`s standing for a character no literal holds: what contains it, matches it. */
function sample(glob: string): string {
  return glob.replaceAll('*', '\u0000');
}

/**
 * The globs no other contains, each once, in their order. Of equal globs (each containing the other) the
 * first stays, so every glob that goes is contained in one that stays.
 */
function maximal(globs: readonly string[]): string[] {
  const unique = [...new Set(globs)];
  const order = new Map(unique.map((g, i) => [g, i]));
  const index = new GlobIndex(unique, same);
  return unique.filter((x, i) => {
    const outer = index
      .near(sample(x))
      .find((y) => y !== x && globContains(y, x) && ((order.get(y) as number) < i || !globContains(x, y)));
    return outer === undefined;
  });
}

/**
 * `*`-globs as API Gateway evaluates them in an authorizer policy: `*` stands for any run of characters,
 * `/` included; every other character is literal. Rule and route resources (`GET/messages/*`) are such
 * globs, and literals never hold `*`.
 */

const STAR = 42;

/** Counts the steps of `globMatch` (tests bound them: matching must stay linear in text × pattern). */
export interface StepCounter {
  steps: number;
}

/**
 * Whether `text` matches `pattern`, in O(|text| × |pattern|) steps at worst and O(|text|) for the usual
 * shapes: no RegExp, no recursion, one backtrack point. On a mismatch after a `*`, only the latest `*` is
 * retried one character further; earlier ones never need to be, because a `*` already absorbs anything
 * a retry of an earlier one could.
 */
export function globMatch(pattern: string, text: string, counter?: StepCounter): boolean {
  const pl = pattern.length;
  const tl = text.length;
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  let steps = 0;
  let matched = true;
  while (t < tl) {
    steps++;
    const c = p < pl ? pattern.charCodeAt(p) : -1;
    if (c === STAR) {
      star = p++;
      resume = t;
    } else if (c === text.charCodeAt(t)) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      matched = false;
      break;
    }
  }
  if (matched) {
    while (p < pl && pattern.charCodeAt(p) === STAR) {
      steps++;
      p++;
    }
    matched = p === pl;
  }
  if (counter) counter.steps += steps;
  return matched;
}

/** Whether the globs a and b match at least one common string. */
export function globsOverlap(a: string, b: string): boolean {
  return endsAgree(a, b, 1) && endsAgree(a, b, -1) && globWalk(a, b, false);
}

/**
 * A quick necessary condition for an overlap: the literal text before the first `*` of either glob (with
 * `step` -1: after the last) is the same in both. Rule patterns mostly differ there (`GET/a/*` and
 * `GET/b/*`), so most pairs never reach the dynamic program.
 */
function endsAgree(a: string, b: string, step: 1 | -1): boolean {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(step === 1 ? k : a.length - 1 - k);
    const y = b.charCodeAt(step === 1 ? k : b.length - 1 - k);
    if (x === STAR || y === STAR) return true;
    if (x !== y) return false;
  }
  // One glob is used up without a `*`: the other must end here too, or go on with a `*`.
  if (a.length === b.length) return true;
  const longer = a.length > b.length ? a : b;
  return longer.charCodeAt(step === 1 ? n : longer.length - 1 - n) === STAR;
}

/**
 * Whether glob `outer` matches every string glob `inner` matches: `inner`'s `*`s are treated as a symbol
 * only `outer`'s `*` can consume, which is exact because literals never contain `*`.
 */
export function globContains(outer: string, inner: string): boolean {
  return endsContain(outer, inner, 1) && endsContain(outer, inner, -1) && globWalk(outer, inner, true);
}

/**
 * A quick necessary condition for containment: up to `outer`'s first `*` from the start (with `step` -1:
 * its last, from the end), `inner` has the same literal text, since a `*` or another character there would
 * let `inner` match strings `outer` does not. Most pairs of rule patterns fail it at once.
 */
function endsContain(outer: string, inner: string, step: 1 | -1): boolean {
  const n = outer.length;
  const m = inner.length;
  for (let k = 0; k < n; k++) {
    const x = outer.charCodeAt(step === 1 ? k : n - 1 - k);
    if (x === STAR) return true;
    if (k >= m || inner.charCodeAt(step === 1 ? k : m - 1 - k) !== x) return false;
  }
  // `outer` is all literal: `inner` must be the same string.
  return n === m;
}

/**
 * Both questions as one dynamic program over (i, j) in O(|a| × |b|) time and O(|b|) memory, row by row
 * from the ends; with `contains`, only `a`'s `*` may consume characters.
 */
function globWalk(a: string, b: string, contains: boolean): boolean {
  const n = a.length;
  const m = b.length;
  // next[j] holds go(i + 1, j), row[j] go(i, j), where go(i, j) answers for a.slice(i), b.slice(j).
  let next = new Uint8Array(m + 1);
  let row = new Uint8Array(m + 1);
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let r: boolean;
      if (i === n && (contains || j === m)) r = j === m;
      else if (a.charCodeAt(i) === STAR) r = next[j] === 1 || (j < m && row[j + 1] === 1);
      else if (!contains && b.charCodeAt(j) === STAR) r = row[j + 1] === 1 || (i < n && next[j] === 1);
      // With `contains`, a[i] is a literal here, so equal characters also mean b[j] is not `*`.
      else r = i < n && j < m && a.charCodeAt(i) === b.charCodeAt(j) && next[j + 1] === 1;
      row[j] = r ? 1 : 0;
    }
    [next, row] = [row, next];
  }
  return next[0] === 1;
}

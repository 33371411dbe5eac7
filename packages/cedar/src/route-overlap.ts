/**
 * Relations between two route patterns as API Gateway evaluates them in a policy (`*` matches any run of
 * characters, `/` included): whether they match a common path, and whether one matches every path the
 * other does. Core's glob.ts answers the same two questions for its rules but does not export them; this is
 * the same dynamic program (O(|a| × |b|), no recursion) until it does.
 */

const STAR = 42;

export function patternsOverlap(a: string, b: string): boolean {
  return walk(a, b, false);
}

export function patternContains(outer: string, inner: string): boolean {
  return walk(outer, inner, true);
}

function walk(a: string, b: string, contains: boolean): boolean {
  const n = a.length;
  const m = b.length;
  let next = new Uint8Array(m + 1);
  let row = new Uint8Array(m + 1);
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      let r: boolean;
      if (i === n && (contains || j === m)) r = j === m;
      else if (a.charCodeAt(i) === STAR) r = next[j] === 1 || (j < m && row[j + 1] === 1);
      else if (!contains && b.charCodeAt(j) === STAR) r = row[j + 1] === 1 || (i < n && next[j] === 1);
      else r = i < n && j < m && a.charCodeAt(i) === b.charCodeAt(j) && next[j + 1] === 1;
      row[j] = r ? 1 : 0;
    }
    [next, row] = [row, next];
  }
  return next[0] === 1;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch, type StepCounter } from '../../src/decide/glob.js';
import { compileRules, ruleMatches } from '../../src/decide/rules.js';

/** The definition of a `*`-glob match, tried every way (exponential, fine on short strings). */
function reference(pattern: string, text: string): boolean {
  if (pattern === '') return text === '';
  if (pattern[0] === '*') {
    for (let k = 0; k <= text.length; k++) if (reference(pattern.slice(1), text.slice(k))) return true;
    return false;
  }
  return text !== '' && pattern[0] === text[0] && reference(pattern.slice(1), text.slice(1));
}

/** How a backtracking RegExp engine runs `^a.*b.*c$`: every split of every `*`, counted. */
function backtrackingSteps(pattern: string, text: string, counter: StepCounter, limit: number): boolean {
  counter.steps++;
  if (counter.steps > limit) return false;
  if (pattern === '') return text === '';
  if (pattern[0] === '*') {
    for (let k = text.length; k >= 0; k--) {
      if (backtrackingSteps(pattern.slice(1), text.slice(k), counter, limit)) return true;
    }
    return false;
  }
  return (
    text !== '' &&
    pattern[0] === text[0] &&
    backtrackingSteps(pattern.slice(1), text.slice(1), counter, limit)
  );
}

// Rules from the adversarial review: a failed match of `.*` chains backtracked for seconds to minutes.
const PATHOLOGICAL = compileRules([
  { route: 'GET /{a}/{b}/{c}/{d}/{e}/end' },
  { route: 'GET /v1/{tenant}/{bucket}/{prefix}/{key}/meta' },
  { route: 'ANY /{a}/x/{y}/z/{w}/q' },
  { route: 'GET /files/{a}/{b}/{c}/{d}/{proxy+}' },
]);

/** Request resources of exactly `length` characters that almost match, but do not. */
function hostilePaths(length: number): string[] {
  const fill = (head: string, unit: string, tail: string) =>
    (head + unit.repeat(length)).slice(0, length - tail.length) + tail;
  return [
    fill('GET/', 'a/', '/en'),
    fill('GET/v1/', 't/', '/met'),
    fill('GET/', '/', 'x'),
    fill('POST/', 'x/z/', '/q/'),
    fill('GET/', 'x/y/z/w/', 'qq'),
  ];
}

describe('route matching', () => {
  it('agrees with the definition of a glob match on short strings', () => {
    const pattern = fc.stringMatching(/^[ab/*]{0,8}$/);
    const text = fc.stringMatching(/^[ab/*]{0,10}$/);
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        expect(globMatch(p, t), `${p} ~ ${t}`).toBe(reference(p, t));
      }),
      {
        numRuns: 5000,
        examples: [
          ['*a*b', 'ab'],
          ['a*', 'a'],
          ['*', ''],
          ['**a', 'ba'],
          ['a*b*', 'ab*'],
        ],
      },
    );
  });

  it('matches rule routes like the policy API Gateway evaluates', () => {
    const [param, greedy, any] = compileRules([
      { route: 'GET /messages/{id}' },
      { route: 'DELETE /files/{proxy+}' },
      { route: 'ANY /me' },
    ]) as [never, never, never];
    expect(ruleMatches(param, 'GET/messages/42')).toBe(true);
    expect(ruleMatches(param, 'GET/messages/42/x')).toBe(true); // `*` crosses "/" in a policy too
    expect(ruleMatches(param, 'GET/messages')).toBe(false);
    expect(ruleMatches(param, 'POST/messages/42')).toBe(false);
    expect(ruleMatches(greedy, 'DELETE/files/a/b/c')).toBe(true);
    expect(ruleMatches(any, 'PATCH/me')).toBe(true);
    expect(ruleMatches(any, 'PATCH/me/')).toBe(false);
  });

  it('stays linear on the pathological rules with 2,048-character paths (counted steps)', () => {
    let total = 0;
    let budget = 0;
    for (const path of hostilePaths(2048)) {
      expect(path.length).toBe(2048);
      for (const rule of PATHOLOGICAL) {
        for (const glob of rule.resources) {
          const counter = { steps: 0 };
          expect(globMatch(glob, path, counter)).toBe(false);
          // The guarantee: at most one step per (text position, pattern position) pair.
          expect(counter.steps).toBeLessThanOrEqual((path.length + 1) * (glob.length + 1));
          total += counter.steps;
          budget += path.length * glob.length;
        }
      }
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(budget);
  });

  it('the same inputs make a backtracking matcher explode (what the bound above rules out)', () => {
    // The old RegExp matcher backtracked like this. 60 characters already exceed the linear budget of
    // 2,048 characters; the issue measured 24 s for one RegExp.test at 204 characters.
    const glob = 'GET/*/*/*/*/*/end';
    const path = hostilePaths(60)[0] as string;
    const limit = 2049 * (glob.length + 1);
    const counter = { steps: 0 };
    backtrackingSteps(glob, path, counter, limit);
    expect(counter.steps).toBeGreaterThan(limit);
    const linear = { steps: 0 };
    globMatch(glob, path, linear);
    expect(linear.steps).toBeLessThan(61 * (glob.length + 1));
  });
});

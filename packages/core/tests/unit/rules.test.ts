import { describe, expect, it } from 'vitest';
import { globContains, globsOverlap } from '../../src/decide/glob.js';
import type { CognitoClaims } from '../../src/index.js';
import { ConfigError } from '../../src/index.js';
import { parseRules } from '../../src/rules.js';
import { configError, isAllowed, permittedRoutes, placeOf } from '../helpers/assertions.js';
import { SAMPLE_RULES } from '../helpers/fixtures.js';

const claims = (groups?: string[], scope = 'openid'): CognitoClaims => ({
  sub: 's',
  iss: 'i',
  exp: 0,
  token_use: 'access',
  scope,
  ...(groups ? { 'cognito:groups': groups } : {}),
});

describe('parseRules', () => {
  it('accepts the sample rule set from code and from JSON alike', () => {
    expect(parseRules(SAMPLE_RULES)).toEqual(SAMPLE_RULES);
    expect(parseRules(JSON.stringify(SAMPLE_RULES))).toEqual(SAMPLE_RULES);
  });

  it('returns frozen copies', () => {
    const rules = parseRules([{ route: 'GET /a', groups: ['g'] }]);
    expect(Object.isFrozen(rules[0])).toBe(true);
    expect(Object.isFrozen(rules[0]?.groups)).toBe(true);
  });

  it.each([
    ['not json', 'rules'],
    [{}, 'rules'],
    [[], 'rules'],
    [[{ route: 'GET /a' }, 'GET /b'], 'rules[1]'],
    [[{ route: 'GET /a' }, { route: 'GET /b' }, { route: 'get /c' }], 'rules[2].route'],
    [[{ route: 'FETCH /a' }], 'rules[0].route'],
    [[{ route: 'GET a' }], 'rules[0].route'],
    [[{ route: 'GET  /a' }], 'rules[0].route'],
    [[{ route: 'GET /a/{proxy+}/b' }], 'rules[0].route'],
    [[{ route: 'GET /a?x=1' }], 'rules[0].route'],
    [[{ route: 'GET /a*' }], 'rules[0].route'],
    [[{ route: '$disconnect' }], 'rules[0].route'],
    [[{ route: 42 }], 'rules[0].route'],
    [[{}], 'rules[0].route'],
    [[{ route: 'GET /a', group: ['admin'] }], 'rules[0].group'],
    [[{ route: 'GET /a', groups: [] }], 'rules[0].groups'],
    [[{ route: 'GET /a', groups: 'admin' }], 'rules[0].groups'],
    [[{ route: 'GET /a', groups: ['ok', 'has space'] }], 'rules[0].groups[1]'],
    [[{ route: 'GET /a', scopes: [''] }], 'rules[0].scopes[0]'],
  ])('rejects %j naming %s', (input, field) => {
    expect(placeOf(configError(() => parseRules(input)))).toBe(field);
  });

  it('rejects a wider rule that would void a stricter one (wildcards match across "/")', () => {
    const err = configError(() =>
      parseRules([
        { route: 'GET /messages/{id}' },
        { route: 'GET /messages/{id}/secret', groups: ['admin'] },
      ]),
    );
    expect(placeOf(err)).toBe('rules[1].route');
    expect(err.message).toMatch(/rules\[0\]/);
    expect(
      placeOf(
        configError(() => parseRules([{ route: 'ANY /{proxy+}' }, { route: 'DELETE /x', groups: ['a'] }])),
      ),
    ).toBe('rules[1].route');
    // Same route twice with different requirements: either would void the other.
    expect(() =>
      parseRules([
        { route: 'GET /x', groups: ['a'] },
        { route: 'GET /x', groups: ['b'] },
      ]),
    ).toThrow(ConfigError);
    // Partial overlap: GET /a/b is reached by both.
    expect(() => parseRules([{ route: 'GET /a/{x}', groups: ['a'] }, { route: 'GET /{y}/b' }])).toThrow(
      ConfigError,
    );
  });

  it('accepts a narrower rule that is more permissive than the wider rule around it', () => {
    const rules = parseRules([{ route: 'ANY /admin/*', groups: ['admin'] }, { route: 'GET /admin/health' }]);
    expect(isAllowed(rules, claims(), 'GET', '/admin/health')).toBe(true);
    expect(isAllowed(rules, claims(), 'POST', '/admin/health')).toBe(false);
    expect(isAllowed(rules, claims(['admin']), 'POST', '/admin/x/y')).toBe(true);
    // Equal requirements may overlap freely; a stricter wide rule next to a looser one is fine too.
    expect(() => parseRules([{ route: 'GET /a/{x}' }, { route: 'GET /{y}/b' }])).not.toThrow();
    expect(() =>
      parseRules([
        { route: 'GET /m/{id}', groups: ['a', 'b'] },
        { route: 'GET /m/{id}/s', groups: ['a'] },
      ]),
    ).toThrow(ConfigError);
    expect(() =>
      parseRules([
        { route: 'GET /m/{id}', groups: ['a'] },
        { route: 'GET /m/{id}/s', groups: ['a', 'b'] },
      ]),
    ).not.toThrow();
  });
});

describe('matching', () => {
  const rules = parseRules(SAMPLE_RULES);

  it('groups are any-of on cognito:groups, no requirement means any valid token', () => {
    expect(isAllowed(rules, claims(), 'GET', '/messages')).toBe(true);
    expect(isAllowed(rules, claims(), 'POST', '/messages')).toBe(false);
    expect(isAllowed(rules, claims(['readers', 'writers']), 'POST', '/messages')).toBe(true);
    expect(isAllowed(rules, claims(['admin']), 'DELETE', '/messages/42')).toBe(true);
    expect(isAllowed(rules, claims(['admin']), 'DELETE', '/messages/{id}')).toBe(true);
    expect(isAllowed(rules, claims(['writers']), 'DELETE', '/messages/42')).toBe(false);
    expect(isAllowed(rules, claims(['admin']), 'GET', '/other')).toBe(false);
    expect(permittedRoutes(rules, claims(['writers']))).toEqual([
      'GET /messages',
      'POST /messages',
      'GET /me',
    ]);
  });

  it('scopes are any-of on the space-separated scope; groups and scopes together must both hold', () => {
    const rules = parseRules([
      { route: 'GET /s', scopes: ['api/read', 'api/all'] },
      { route: 'GET /both', groups: ['g'], scopes: ['api/read'] },
    ]);
    expect(isAllowed(rules, claims(undefined, 'openid api/read'), 'GET', '/s')).toBe(true);
    expect(isAllowed(rules, claims(undefined, 'api/readx'), 'GET', '/s')).toBe(false);
    expect(isAllowed(rules, claims(['g'], 'openid'), 'GET', '/both')).toBe(false);
    expect(isAllowed(rules, claims(undefined, 'api/read'), 'GET', '/both')).toBe(false);
    expect(isAllowed(rules, claims(['g'], 'api/read'), 'GET', '/both')).toBe(true);
    const noScope = { ...claims(['g']), scope: undefined };
    expect(isAllowed(rules, noScope, 'GET', '/s')).toBe(false);
  });

  it('the WebSocket $connect rule matches the route key only', () => {
    const rules = parseRules([{ route: '$connect', groups: ['chat'] }]);
    expect(isAllowed(rules, claims(['chat']), '$connect', '')).toBe(true);
    expect(isAllowed(rules, claims(), '$connect', '')).toBe(false);
    expect(isAllowed(rules, claims(['chat']), 'GET', '/$connect')).toBe(false);
  });
});

describe('glob helpers', () => {
  it('overlap', () => {
    expect(globsOverlap('GET/a/*', 'GET/*/b')).toBe(true);
    expect(globsOverlap('GET/a/*', 'POST/a/*')).toBe(false);
    expect(globsOverlap('GET/a', 'GET/a/*')).toBe(false);
    expect(globsOverlap('*', 'x')).toBe(true);
  });
  it('containment', () => {
    expect(globContains('GET/a/*', 'GET/a/*/b')).toBe(true);
    expect(globContains('GET/a/*/b', 'GET/a/*')).toBe(false);
    expect(globContains('GET/*/b', 'GET/a/b')).toBe(true);
    expect(globContains('GET/a/b', 'GET/a/*')).toBe(false);
  });

  it('agree with brute force for every pair of globs up to 4 characters', () => {
    // Every glob over `a`, `/` and `*` up to 4 characters, against every string over `a`, `/` and `x` up to
    // 9 characters (`x` stands for every character a literal does not name). A common string needs at most
    // one character per literal of either glob (8); the ninth leaves room for a string in b but not in a.
    // Exhaustive: the random 6-character version missed overlaps such as ("*aa", "aa/*") -> "aa/aa".
    const words = (alphabet: string[], max: number): string[] => {
      const out = [''];
      for (let n = 0; n < out.length; n++) {
        const w = out[n] as string;
        if (w.length < max) for (const c of alphabet) out.push(w + c);
      }
      return out;
    };
    const strings = words(['a', '/', 'x'], 9);
    const globs = words(['a', '/', '*'], 4);
    const matches = new Map(
      globs.map((g) => {
        const re = new RegExp(`^${g.split('*').join('.*')}$`);
        return [g, strings.map((str) => re.test(str))] as const;
      }),
    );
    const wrong: string[] = [];
    for (const a of globs) {
      const ma = matches.get(a) as boolean[];
      for (const b of globs) {
        const mb = matches.get(b) as boolean[];
        const overlap = ma.some((m, i) => m && mb[i]);
        const contains = mb.every((m, i) => !m || ma[i]);
        if (globsOverlap(a, b) !== overlap) wrong.push(`overlap(${a}, ${b}) should be ${overlap}`);
        if (globContains(a, b) !== contains) wrong.push(`contains(${a}, ${b}) should be ${contains}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

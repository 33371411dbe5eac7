import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizerHandler,
  type AuthorizerPolicyResult,
  type CogauthOptions,
  createAuthorizer,
  type RouteRule,
} from '../../src/index.js';
import { HTTP_VERBS, parseRules } from '../../src/rules.js';
import { apiRoute, selectRoutes } from '../helpers/api-gateway.js';
import { evaluatePolicy } from '../helpers/assertions.js';
import {
  accessToken,
  httpApiEvent,
  key,
  localVerifier,
  PREFIX,
  SAMPLE_RULES,
  tokenEvent,
  websocketConnectEvent,
} from '../helpers/fixtures.js';

/*
 * Per-request answers (`answerMode: 'per-request'`) hold the part of the caller's policy a request needs.
 * They must decide that request exactly as API Gateway's route selection says, and, since a deployment may
 * still cache them by token alone, never allow another request the whole policy refuses: a misconfigured
 * cache may serve a stale 403, never a wrong Allow. With the HTTP API cache keyed by route key, a cached
 * answer must be right for every request of the route key. WebSocket answers cover `$connect` alone.
 */

const GROUPS = ['admin', 'writers', 'readers'];
const SEGMENTS = ['messages', 'me', 'admin', '{id}', '*', 'health'];
const VALUES = ['42', 'x_y', 'messages', 'me', 'admin', 'health'];

const routePath = fc
  .tuple(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 3 }), fc.boolean())
  .map(([segs, greedy]) => `/${[...segs, ...(greedy ? ['{proxy+}'] : [])].join('/')}`);
const rule: fc.Arbitrary<RouteRule> = fc.record(
  {
    route: fc.tuple(fc.constantFrom(...HTTP_VERBS, 'ANY'), routePath).map(([m, p]) => `${m} ${p}`),
    groups: fc.subarray(GROUPS, { minLength: 1 }),
  },
  { requiredKeys: ['route'] },
);

/** Concrete request paths for a route path, and one segment deeper. */
function requestsFor(rulePath: string): string[] {
  const concrete = rulePath
    .split('/')
    .map((s, i) =>
      s === '{proxy+}' ? 'x/y/z' : s === '*' || s.startsWith('{') ? (VALUES[i % VALUES.length] as string) : s,
    )
    .join('/');
  return [concrete, `${concrete}/extra`];
}

function requestsOf(rules: readonly RouteRule[]): [string, string][] {
  const requests: [string, string][] = [];
  for (const r of rules) {
    const [m, p] = r.route.split(' ') as [string, string];
    for (const method of m === 'ANY' ? HTTP_VERBS : [m])
      for (const path of requestsFor(p)) requests.push([method, path]);
  }
  return requests;
}

/** What the rule of the route API Gateway selects says; undefined when no rule's route matches. */
function referencePermits(rules: readonly RouteRule[], groups: string[], m: string, path: string) {
  const chosen = selectRoutes(
    rules.map((r) => ({ ...apiRoute(r.route), rule: r })),
    m,
    path,
  );
  if (chosen.length === 0) return undefined;
  return chosen.some(({ rule: r }) => !r.groups || r.groups.some((g) => groups.includes(g)));
}

const v = localVerifier();

async function policyOf(answer: Promise<unknown>): Promise<AuthorizerPolicyResult> {
  return (await answer) as AuthorizerPolicyResult;
}

describe('per-request answers (REST)', () => {
  it('decide their request as route selection does, and never allow what a fresh answer refuses', async () => {
    let ruleSets = 0;
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { minLength: 1, maxLength: 8 }),
        fc.subarray(GROUPS),
        async (rules, groups) => {
          let parsed: readonly RouteRule[];
          try {
            parsed = parseRules(rules);
          } catch {
            return;
          }
          ruleSets++;
          const handler = createAuthorizer({
            verifier: v,
            rules: parsed,
            logger: () => {},
            answerMode: 'per-request',
          });
          const token = `Bearer ${accessToken(key(), { groups })}`;
          const requests = requestsOf(parsed);
          const answers = await Promise.all(
            requests.map(([m, p]) => policyOf(handler(tokenEvent(token, `${m}${p}`)))),
          );
          const fresh = requests.map(([m, p], i) =>
            evaluatePolicy(answers[i] as AuthorizerPolicyResult, `${PREFIX}${m}${p}`),
          );
          requests.forEach(([m, p], i) => {
            const permits = referencePermits(parsed, groups, m, p);
            if (permits !== undefined) expect(fresh[i], `${m} ${p}`).toBe(permits ? 'Allow' : 'Deny');
          });
          // Served from a cache keyed by token alone: a stale 403 at worst, never a wrong Allow.
          answers.forEach((answer, i) => {
            requests.forEach(([m, p], j) => {
              compared++;
              if (evaluatePolicy(answer, `${PREFIX}${m}${p}`) === 'Allow')
                expect(fresh[j], `answer for ${requests[i]?.join(' ')} reused for ${m} ${p}`).toBe('Allow');
            });
          });
        },
      ),
      {
        numRuns: 200,
        examples: [
          [[{ route: 'GET /x/{id}' }, { route: 'ANY /x/{proxy+}', groups: ['admin'] }], []],
          [
            [{ route: 'ANY /admin/{proxy+}', groups: ['admin'] }, { route: 'GET /admin/health' }],
            ['writers'],
          ],
        ],
      },
    );
    expect(ruleSets).toBeGreaterThan(60);
    expect(compared).toBeGreaterThan(5000);
  });

  it('answer an allowed request with one Allow and the Denies that meet it, a refused one with a Deny', async () => {
    const rules: RouteRule[] = [
      { route: 'GET /x/{id}' },
      { route: 'ANY /x/{proxy+}', groups: ['admin'] },
      { route: 'GET /messages' },
    ];
    const handler = createAuthorizer({ verifier: v, rules, logger: () => {}, answerMode: 'per-request' });
    const token = `Bearer ${accessToken(key(), { groups: [] })}`;
    const allowed = await policyOf(handler(tokenEvent(token, 'GET/x/1')));
    expect(allowed.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/x/*`] },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}GET/x/*/*`] },
    ]);
    const refused = await policyOf(handler(tokenEvent(token, 'GET/x/1/2')));
    expect(refused.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
    ]);
  });
});

/** HTTP API routes and requests API Gateway sends each one. */
const ROUTES: Readonly<Record<string, readonly [string, string][]>> = {
  'GET /messages': [['GET', '/messages']],
  'DELETE /messages/{id}': [
    ['DELETE', '/messages/1'],
    ['DELETE', '/messages/2'],
  ],
  'GET /files/{proxy+}': [
    ['GET', '/files/a'],
    ['GET', '/files/public/x'],
    ['GET', '/files/a/b/c'],
  ],
  'ANY /messages': [
    ['GET', '/messages'],
    ['POST', '/messages'],
    ['DELETE', '/messages'],
  ],
  $default: [
    ['GET', '/me'],
    ['POST', '/messages'],
    ['DELETE', '/messages/1'],
    ['GET', '/files/public/x'],
  ],
};

function httpEvent(token: string, routeKey: string, [verb, path]: readonly [string, string]) {
  const e = httpApiEvent(token, `${verb}${path}`);
  return { ...e, routeKey, requestContext: { ...e.requestContext, routeKey } };
}

describe('per-request answers (HTTP API)', () => {
  const templates = [
    'GET /messages',
    'POST /messages',
    'ANY /messages',
    'DELETE /messages/{id}',
    'GET /files/{proxy+}',
    'GET /files/public/{name}',
    'GET /me',
    'ANY /{proxy+}',
  ];
  const httpRule = fc.record(
    {
      route: fc.constantFrom(...templates),
      groups: fc.subarray(['readers', 'writers', 'admin'], { minLength: 1 }),
    },
    { requiredKeys: ['route'] },
  );

  /** Every (caller, route key, request) in `order`, the cached answer against a fresh one. */
  async function mismatches(
    handler: AuthorizerHandler,
    fresh: AuthorizerHandler,
    tokens: string[],
    order: number[],
  ) {
    const cache = new Map<string, Promise<unknown>>();
    const all = tokens.flatMap((token) =>
      Object.entries(ROUTES).flatMap(([routeKey, requests]) =>
        requests.map((request) => ({ token, routeKey, request })),
      ),
    );
    const wrong: string[] = [];
    for (const i of order) {
      const { token, routeKey, request } = all[i % all.length] as (typeof all)[number];
      const e = httpEvent(token, routeKey, request);
      const cacheKey = `${token}\n${routeKey}`; // identity sources: Authorization and $context.routeKey
      let cached = cache.get(cacheKey);
      if (cached === undefined) {
        cached = handler(e);
        cache.set(cacheKey, cached);
      }
      const got = evaluatePolicy((await cached) as AuthorizerPolicyResult, e.routeArn);
      const expected = evaluatePolicy((await fresh(e)) as AuthorizerPolicyResult, e.routeArn);
      if (got !== expected) wrong.push(`${routeKey}: ${request.join(' ')}`);
    }
    return wrong;
  }

  it('cached by token and route key, answer every request of the route key as a fresh answer does', async () => {
    const tokens = [[], ['readers'], ['writers'], ['admin'], ['readers', 'writers', 'admin']].map(
      (groups) => `Bearer ${accessToken(key(), { groups })}`,
    );
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(httpRule, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 60 }),
        async (rules, order) => {
          let parsed: readonly RouteRule[];
          try {
            parsed = parseRules(rules);
          } catch {
            return;
          }
          checked++;
          const options: CogauthOptions = { verifier: v, rules: parsed, logger: () => {} };
          const handler = createAuthorizer({ ...options, answerMode: 'per-request' });
          const fresh = createAuthorizer({ ...options, answerMode: 'per-request', httpApiCache: 'off' });
          expect(await mismatches(handler, fresh, tokens, order)).toEqual([]);
        },
      ),
      { numRuns: 80 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('with httpApiCache off, answer each request alone (which a route-key cache would serve wrongly)', async () => {
    const rules: RouteRule[] = [{ route: 'GET /messages' }, { route: 'POST /messages', groups: ['writers'] }];
    const options: CogauthOptions = { verifier: v, rules, logger: () => {}, answerMode: 'per-request' };
    const own = createAuthorizer({ ...options, httpApiCache: 'off' });
    const writer = `Bearer ${accessToken(key(), { groups: ['writers'] })}`;
    const answer = await policyOf(own(httpEvent(writer, 'ANY /messages', ['POST', '/messages'])));
    expect(answer.policyDocument.Statement[0]?.Resource).toEqual([
      `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/$default/POST/messages`,
    ]);
    // The control: those answers under the route-key cache would be wrong for the route's other requests.
    const order = [...Array(40).keys()];
    expect(await mismatches(own, own, [writer], order)).toContain('ANY /messages: POST /messages');
  });
});

describe('WebSocket answers', () => {
  it('cover $connect alone, whatever the HTTP rules', async () => {
    const rules: RouteRule[] = [
      ...SAMPLE_RULES,
      { route: 'ANY /admin/{proxy+}', groups: ['admin'] },
      { route: '$connect', groups: ['admin'] },
    ];
    for (const answerMode of ['all-routes', 'per-request'] as const) {
      const handler = createAuthorizer({ verifier: v, rules, logger: () => {}, answerMode });
      const admin = await policyOf(
        handler(
          websocketConnectEvent({ Authorization: `Bearer ${accessToken(key(), { groups: ['admin'] })}` }),
        ),
      );
      expect(admin.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}$connect`] },
      ]);
      const other = await policyOf(
        handler(
          websocketConnectEvent({ Authorization: `Bearer ${accessToken(key(), { groups: ['writers'] })}` }),
        ),
      );
      expect(other.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
      ]);
    }
  });
});

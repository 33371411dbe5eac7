import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuthorizerHandler,
  type AuthorizerPolicyResult,
  type CogauthOptions,
  createAuthorizer,
  type RouteRule,
  type SimpleAuthorizerResult,
} from '../../src/index.js';
import { parseRules } from '../../src/rules.js';
import { evaluatePolicy } from '../helpers/assertions.js';
import { accessToken, httpApiEvent, key, localVerifier } from '../helpers/fixtures.js';

/*
 * API Gateway caches an HTTP API authorizer's answer under its identity sources and serves it to every
 * request with the same values: [Authorization, routeKey] for simple responses, [Authorization] for IAM
 * policies. A simulated gateway with that cache must never serve an answer the authorizer would not give
 * for the request at hand, for every route shape.
 */

type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Request = readonly [Verb, string];

/** API Gateway routes and requests each one receives (as API Gateway routes them). */
const ROUTES: Readonly<Record<string, readonly Request[]>> = {
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
  // A route the rules do not name: one {name} rule's pattern covers it all, its over-reach Deny only part.
  'GET /files/public/{proxy+}': [
    ['GET', '/files/public/x'],
    ['GET', '/files/public/x/y'],
  ],
  'ANY /messages': [
    ['GET', '/messages'],
    ['POST', '/messages'],
    ['PUT', '/messages'],
    ['DELETE', '/messages'],
  ],
  $default: [
    ['GET', '/me'],
    ['POST', '/messages'],
    ['DELETE', '/messages/1'],
    ['GET', '/files/public/x'],
    ['PATCH', '/admin/x'],
  ],
};
const ROUTE_KEYS = Object.keys(ROUTES);

const RULES: RouteRule[] = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'GET /files/{proxy+}', groups: ['readers'] },
  { route: 'GET /files/public/{name}' },
  { route: 'GET /me' },
];
const GROUP_SETS = [[], ['readers'], ['writers'], ['admin'], ['readers', 'writers', 'admin']];
const v = localVerifier();
const TOKENS = GROUP_SETS.map((groups) => `Bearer ${accessToken(key(), { groups })}`);

function event(authorization: string, routeKey: string, [verb, path]: Request) {
  const e = httpApiEvent(authorization, `${verb}${path}`);
  return { ...e, routeKey, requestContext: { ...e.requestContext, routeKey } };
}

type Answer = boolean | 'Unauthorized';

async function answer(result: Promise<unknown>, arn: string): Promise<Answer> {
  let r: unknown;
  try {
    r = await result;
  } catch {
    return 'Unauthorized';
  }
  if ('isAuthorized' in (r as object)) return (r as SimpleAuthorizerResult).isAuthorized;
  return evaluatePolicy(r as AuthorizerPolicyResult, arn) === 'Allow';
}

/** A gateway with the authorizer cache; returns how many answers came from the cache. */
function gateway(handler: AuthorizerHandler, mode: 'simple' | 'iam') {
  const cache = new Map<string, Promise<unknown>>();
  return async (authorization: string, routeKey: string, request: Request) => {
    const e = event(authorization, routeKey, request);
    const key = mode === 'simple' ? `${authorization}\n${routeKey}` : authorization;
    let result = cache.get(key);
    if (result === undefined) {
      result = handler(e);
      result.catch(() => {}); // a 401 is not cached by API Gateway; the test only compares answers
      cache.set(key, result);
    }
    return answer(result, e.routeArn);
  };
}

function handlerOf(options: Partial<CogauthOptions>, rules: readonly RouteRule[] = RULES) {
  return createAuthorizer({ verifier: v, rules, logger: () => {}, ...options });
}

/** Every (caller, route, request) in `order`; compares the cached answer with a fresh one. */
async function mismatches(options: Partial<CogauthOptions>, rules: readonly RouteRule[], order: number[]) {
  const mode = options.httpApiResponse ?? 'iam';
  const cached = gateway(handlerOf(options, rules), mode);
  const fresh = handlerOf(options, rules);
  const wrong: string[] = [];
  const all = TOKENS.flatMap((token, c) =>
    ROUTE_KEYS.flatMap((routeKey) =>
      (ROUTES[routeKey] as Request[]).map((request) => ({ token, c, routeKey, request })),
    ),
  );
  for (const i of order) {
    const { token, c, routeKey, request } = all[i % all.length] as (typeof all)[number];
    const e = event(token, routeKey, request);
    const got = await cached(token, routeKey, request);
    const expected = await answer(fresh(e), e.routeArn);
    if (got !== expected)
      wrong.push(`${GROUP_SETS[c]?.join('+') || 'nobody'} ${routeKey}: ${request.join(' ')}`);
  }
  return { wrong, count: all.length };
}

const everyOrder = (n: number) => [...Array(n).keys(), ...[...Array(n).keys()].reverse()];

describe('HTTP API answers under the gateway cache', () => {
  it('iam (default): a policy cached by token is right for every route shape', async () => {
    const { wrong } = await mismatches({}, RULES, everyOrder(200));
    expect(wrong).toEqual([]);
  });

  it('simple: route keys whose decision varies are refused, so nothing is served wrongly', async () => {
    const { wrong } = await mismatches({ httpApiResponse: 'simple' }, RULES, everyOrder(200));
    expect(wrong).toEqual([]);
    const handler = handlerOf({ httpApiResponse: 'simple' });
    const writer = TOKENS[2] as string;
    const reader = TOKENS[1] as string;
    const outcome = async (token: string, routeKey: string, request: Request) =>
      ((await handler(event(token, routeKey, request))) as SimpleAuthorizerResult).isAuthorized;
    // Constant routes keep their answers: exact, {param}.
    expect(await outcome(reader, 'GET /messages', ['GET', '/messages'])).toBe(true);
    expect(await outcome(TOKENS[3] as string, 'DELETE /messages/{id}', ['DELETE', '/messages/9'])).toBe(true);
    expect(await outcome(reader, 'DELETE /messages/{id}', ['DELETE', '/messages/9'])).toBe(false);
    // ANY, {proxy+} partly overlapped by a rule, $default: refused even where the rules would allow.
    expect(await outcome(writer, 'ANY /messages', ['POST', '/messages'])).toBe(false);
    expect(await outcome(reader, 'GET /files/{proxy+}', ['GET', '/files/a'])).toBe(false);
    expect(await outcome(writer, '$default', ['GET', '/me'])).toBe(false);
  });

  it('simple with httpApiCache off answers each request itself (and would be unsafe under a cache)', async () => {
    const handler = handlerOf({ httpApiResponse: 'simple', httpApiCache: 'off' });
    const writer = TOKENS[2] as string;
    const r = (await handler(
      event(writer, 'ANY /messages', ['POST', '/messages']),
    )) as SimpleAuthorizerResult;
    expect(r.isAuthorized).toBe(true);
    // The control: the same simulated cache catches the wrong answers the refusal prevents.
    const { wrong } = await mismatches(
      { httpApiResponse: 'simple', httpApiCache: 'off' },
      RULES,
      everyOrder(200),
    );
    expect(wrong).toEqual(expect.arrayContaining(['writers ANY /messages: PUT /messages']));
  });

  it('holds for random rule sets, callers and request orders', async () => {
    const templates = [
      'GET /messages',
      'POST /messages',
      'ANY /messages',
      'DELETE /messages/{id}',
      'GET /files/{proxy+}',
      'GET /files/public/{name}',
      'GET /me',
      'ANY /admin/{proxy+}',
      'ANY /{proxy+}',
    ];
    const rule = fc.record(
      {
        route: fc.constantFrom(...templates),
        groups: fc.subarray(['readers', 'writers', 'admin'], { minLength: 1 }),
      },
      { requiredKeys: ['route'] },
    );
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rule, { minLength: 1, maxLength: 5 }),
        fc.constantFrom<'simple' | 'iam'>('simple', 'iam'),
        fc.array(fc.nat(), { minLength: 20, maxLength: 60 }),
        async (rules, httpApiResponse, order) => {
          let parsed: readonly RouteRule[];
          try {
            parsed = parseRules(rules);
          } catch {
            return;
          }
          checked++;
          const { wrong } = await mismatches({ httpApiResponse }, parsed, order);
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
    expect(checked).toBeGreaterThan(30);
  });
});

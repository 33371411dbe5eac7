import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answerBytes, answerWithin, documentBytes, listSize } from '../../src/answer/answer-size.js';
import { MAX_ANSWER_BYTES, MAX_ARN_PREFIX_CHARS, MAX_RESOURCE_CHARS } from '../../src/answer/limits.js';
import { policyAnswer, Targets } from '../../src/answer/policy-answer.js';
import {
  type AuthorizerPolicyResult,
  type CogauthOptions,
  createAuthorizer,
  type RouteRule,
} from '../../src/index.js';
import { handlerFromEnv, readEnvironment, writeEnvironment } from '../../src/lambda.js';
import { configError, evaluatePolicy, isAllowed, placeOf } from '../helpers/assertions.js';
import {
  accessToken,
  CLIENT_ID,
  captureLogs,
  httpApiEvent,
  jwksOf,
  key,
  localVerifier,
  POOL_ID,
  PREFIX,
  requestEvent,
  tokenEvent,
  websocketConnectEvent,
} from '../helpers/fixtures.js';
import { routeSet } from '../helpers/rule-sets.js';

/*
 * API Gateway documents 8 KB for a Lambda authorizer's result (WebSocket quotas; the REST and HTTP API
 * pages name none, so the same bound applies) and 512 characters for a policy Resource. A rule set whose
 * answer could be larger is refused at start-up; every answer is measured again per request, and one that
 * does not fit is a 401 (ANSWER_TOO_LARGE), never an answer API Gateway would reject.
 */

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const v = localVerifier();

describe('answer sizes', () => {
  const tricky = fc.string({ unit: 'binary', maxLength: 12 });
  it('are worked out from their parts exactly as JSON.stringify writes them (property)', () => {
    fc.assert(
      fc.property(
        fc.array(tricky, { maxLength: 5 }),
        fc.array(tricky, { maxLength: 5 }),
        tricky,
        fc.dictionary(tricky, fc.oneof(tricky, fc.double(), fc.integer(), fc.boolean()), { maxKeys: 4 }),
        (allow, deny, principal, context) => {
          const statements = [];
          if (allow.length)
            statements.push({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: allow });
          if (deny.length) statements.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: deny });
          const answer = {
            principalId: principal,
            policyDocument: { Version: '2012-10-17', Statement: statements },
            context,
          };
          const exact = bytesOf(answer);
          const document = documentBytes(listSize(allow), listSize(deny));
          expect(answerBytes(principal, context, document)).toBe(exact);
          for (const limit of [exact - 1, exact, exact + 1])
            expect(answerWithin(principal, context, document, limit)).toBe(exact <= limit);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A handler whose context hook adds `pad` characters, so an answer can be sized to the byte. */
function padded(rules: readonly RouteRule[], options: Partial<CogauthOptions> = {}) {
  const pad = { length: 0 };
  const logs = captureLogs();
  const handler = createAuthorizer({
    verifier: v,
    rules,
    logger: logs.logger,
    context: () => ({ pad: 'x'.repeat(pad.length) }),
    ...options,
  });
  return { handler, pad, logs };
}

const token = (groups: string[]) => `Bearer ${accessToken(key(), { groups })}`;
const ADMIN = token(['admin', 'writers']);

const KINDS = {
  TOKEN: () => tokenEvent(ADMIN, 'GET/api/v1/resource0'),
  REQUEST: () => requestEvent({ Authorization: ADMIN }, 'GET/api/v1/resource0'),
  HTTP_API_V2: () => httpApiEvent(ADMIN, 'GET/api/v1/resource0'),
  WEBSOCKET_CONNECT: () => websocketConnectEvent({ Authorization: ADMIN }),
} as const;

describe('answers at the limit', () => {
  const rules = [...routeSet(40), { route: '$connect' }];
  for (const answerMode of ['all-routes', 'per-request'] as const) {
    for (const [kind, event] of Object.entries(KINDS)) {
      it(`${kind}, ${answerMode}: ${MAX_ANSWER_BYTES} bytes are answered, one more is a 401 ANSWER_TOO_LARGE`, async () => {
        const { handler, pad, logs } = padded(rules, { answerMode });
        const base = bytesOf(await handler(event()));
        pad.length = MAX_ANSWER_BYTES - base;
        const answer = (await handler(event())) as AuthorizerPolicyResult;
        expect(bytesOf(answer)).toBe(MAX_ANSWER_BYTES);
        expect(answer.policyDocument.Statement[0]?.Effect).toBe('Allow');
        pad.length++;
        await expect(handler(event())).rejects.toThrow(/^Unauthorized$/);
        expect(logs.entries.at(-1)).toMatchObject({
          decision: 'Unauthorized',
          reason: 'ANSWER_TOO_LARGE',
          event: kind,
        });
      });
    }
  }
});

/*
 * The start-up bound at its edge: routes of one length, all public, so one caller holds them all. With k
 * rules accepted and k + 1 refused, the largest answer the k rules can get (the longest plausible ARN
 * prefix, principalId and context using their whole allowance, a refused request with a 512-character ARN)
 * fits, and is exactly one rule's resource short of the bound the refusal of k + 1 names.
 */
describe('the start-up bound', () => {
  const rules = (n: number): RouteRule[] =>
    Array.from({ length: n }, (_, i) => ({ route: `GET /api/v1/r${String(i).padStart(4, '0')}` }));
  const refusal = (n: number) => {
    try {
      createAuthorizer({ verifier: v, rules: rules(n), logger: () => {} });
      return undefined;
    } catch (error) {
      return configError(() => {
        throw error;
      });
    }
  };
  /** The most rules of this shape the check accepts (at most 200: past that it is not checking). */
  const mostAccepted = () => {
    let k = 20;
    while (k < 200 && refusal(k + 1) === undefined) k++;
    expect(k).toBeLessThan(200);
    return k;
  };
  const stage = 's'.repeat(32);
  const prefix = `arn:aws-us-gov:execute-api:ab-cdefghijkl-99:123456789012:a1b2c3d4e5/${stage}/`;

  it('refuses exactly when the largest answer a caller could get is over 8192 bytes', async () => {
    expect(prefix.length).toBe(MAX_ARN_PREFIX_CHARS);
    const k = mostAccepted();
    const error = refusal(k + 1) as NonNullable<ReturnType<typeof refusal>>;
    expect(placeOf(error)).toBe('rules');
    expect(error.detail).toContain(`${k + 1} rules`);
    expect(error.detail).toContain('8192 bytes');
    expect(error.detail).toContain("answerMode: 'per-request' (COGAUTH_ANSWER_MODE=per-request)");

    const { handler, pad } = padded(rules(k));
    const deniedArn = `${prefix}GET/${'z'.repeat(MAX_RESOURCE_CHARS - prefix.length - 4)}`;
    expect(deniedArn.length).toBe(MAX_RESOURCE_CHARS);
    const event = { type: 'TOKEN', authorizationToken: token([]), methodArn: deniedArn };
    const sub = ((await handler(event)) as AuthorizerPolicyResult).principalId;
    const first = (await handler(event)) as AuthorizerPolicyResult;
    pad.length = 1024 - bytesOf({ principalId: sub, context: first.context });
    const answer = (await handler(event)) as AuthorizerPolicyResult;
    expect(bytesOf({ principalId: answer.principalId, context: answer.context })).toBe(1024);
    expect(answer.policyDocument.Statement.map((s) => s.Resource.length)).toEqual([k, 1]);
    const size = bytesOf(answer);
    expect(size).toBeLessThanOrEqual(MAX_ANSWER_BYTES);
    const oneMore = prefix.length + bytesOf(`GET/api/v1/r${String(k).padStart(4, '0')}`) + 1;
    expect(error.detail).toContain(`could reach ${size + oneMore} bytes`);
  });

  it('is checked again per request: a stage name longer than it counts gets a 401, not an oversize answer', async () => {
    const k = mostAccepted();
    const logs = captureLogs();
    const handler = createAuthorizer({ verifier: v, rules: rules(k), logger: logs.logger });
    const methodArn = `arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/${'s'.repeat(128)}/GET/api/v1/r0000`;
    await expect(handler({ type: 'TOKEN', authorizationToken: token([]), methodArn })).rejects.toThrow(
      /^Unauthorized$/,
    );
    expect(logs.entries.at(-1)).toMatchObject({ reason: 'ANSWER_TOO_LARGE' });
    // The same rules on a 4-character stage: answered.
    const short = (await handler({
      type: 'TOKEN',
      authorizationToken: token([]),
      methodArn: `${PREFIX}GET/api/v1/r0000`,
    })) as AuthorizerPolicyResult;
    expect(evaluatePolicy(short, `${PREFIX}GET/api/v1/r0000`)).toBe('Allow');
  });
});

describe('the 512-character Resource', () => {
  it('a route whose resource could pass it with its ARN prefix is refused at start-up', () => {
    const path = `/${'a'.repeat(MAX_RESOURCE_CHARS - MAX_ARN_PREFIX_CHARS - 4 + 1)}`;
    const error = configError(() => createAuthorizer({ verifier: v, rules: [{ route: `GET ${path}` }] }));
    expect(placeOf(error)).toBe('rules');
    expect(error.detail).toContain('at most 512 characters in a Resource');
    // One character shorter fits.
    expect(() =>
      createAuthorizer({ verifier: v, rules: [{ route: `GET ${path.slice(0, -1)}` }] }),
    ).not.toThrow();
  });

  it('a refused request whose ARN is longer is denied without naming it', async () => {
    const handler = createAuthorizer({ verifier: v, rules: [{ route: 'GET /messages' }], logger: () => {} });
    const arn = `${PREFIX}GET/${'b'.repeat(600)}`;
    const answer = (await handler({
      type: 'TOKEN',
      authorizationToken: token([]),
      methodArn: arn,
    })) as AuthorizerPolicyResult;
    for (const s of answer.policyDocument.Statement)
      for (const r of s.Resource) expect(r.length).toBeLessThanOrEqual(MAX_RESOURCE_CHARS);
    expect(evaluatePolicy(answer, arn)).toBe('Deny');
    expect(evaluatePolicy(answer, `${PREFIX}GET/messages`)).toBe('Allow');
  });

  it('a refused request that cannot be denied alone, but that the lists would admit, is denied the stage', () => {
    // An access model whose decision is stricter than its policy (none of core's): the explicit Deny for
    // the request cannot be written (its ARN holds `*`, or is too long), so nothing of the policy is sent.
    for (const route of ['GET/files/*', `GET/files/${'c'.repeat(600)}`]) {
      const target = new Targets().of(`${PREFIX}${route}`);
      const answer = policyAnswer(target, { allow: ['GET/files/*'], deny: [] }, false, 'sub', {});
      expect(answer?.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
      ]);
      // Allowed, the same lists are answered as they are.
      const allowed = policyAnswer(target, { allow: ['GET/files/*'], deny: [] }, true, 'sub', {});
      expect(allowed?.policyDocument.Statement).toEqual([
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/files/*`] },
      ]);
    }
  });
});

describe('400 routes', () => {
  const rules = routeSet(400);
  const callers = [[], ['writers'], ['admin', 'writers']];
  const routes = [
    'GET/api/v1/resource7',
    'POST/api/v1/resource7',
    'DELETE/api/v1/resource79/1',
    'PUT/api/v1/resource3/9',
    'GET/nowhere',
  ];

  it('are refused in all-routes mode, naming the limit and the rule count', () => {
    const error = configError(() => createAuthorizer({ verifier: v, rules, logger: () => {} }));
    expect(placeOf(error)).toBe('rules');
    expect(error.detail).toMatch(/could reach \d+ bytes \(400 rules;.*API Gateway takes at most 8192 bytes/);
  });

  it('are answered per request: every answer fits and decides as the rules do', async () => {
    const handler = createAuthorizer({ verifier: v, rules, logger: () => {}, answerMode: 'per-request' });
    for (const groups of callers) {
      const claims = { sub: 's', token_use: 'access', 'cognito:groups': groups } as never;
      for (const route of routes) {
        const [method, ...path] = route.split('/');
        const answer = (await handler(tokenEvent(token(groups), route))) as AuthorizerPolicyResult;
        expect(bytesOf(answer)).toBeLessThan(1024);
        const expected = isAllowed(rules, claims, method as string, `/${path.join('/')}`);
        expect(evaluatePolicy(answer, PREFIX + route), `${groups} ${route}`).toBe(
          expected ? 'Allow' : 'Deny',
        );
      }
    }
  });

  it('through COGAUTH_*: refused naming COGAUTH_RULES, answered with COGAUTH_ANSWER_MODE=per-request', async () => {
    const env = writeEnvironment({
      verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access' },
      rules,
    });
    expect(env.COGAUTH_ANSWER_MODE).toBeUndefined();
    const error = configError(() => readEnvironment(env));
    expect(placeOf(error)).toBe('COGAUTH_RULES');
    expect(error.detail).toContain('COGAUTH_ANSWER_MODE=per-request');

    const perRequest = writeEnvironment({
      verifier: { userPoolId: POOL_ID, clientId: [CLIENT_ID], tokenUse: 'access' },
      rules,
      answerMode: 'per-request',
    });
    expect(perRequest.COGAUTH_ANSWER_MODE).toBe('per-request');
    expect(readEnvironment(perRequest).answerMode).toBe('per-request');
    expect(placeOf(configError(() => readEnvironment({ ...perRequest, COGAUTH_ANSWER_MODE: 'some' })))).toBe(
      'COGAUTH_ANSWER_MODE',
    );
    const handler = handlerFromEnv({ ...perRequest, COGAUTH_JWKS: JSON.stringify(jwksOf(key())) });
    const answer = (await handler(
      tokenEvent(token(['admin']), 'DELETE/api/v1/resource9/3'),
    )) as AuthorizerPolicyResult;
    expect(answer.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}DELETE/api/v1/resource9/*`] },
    ]);
  });
});

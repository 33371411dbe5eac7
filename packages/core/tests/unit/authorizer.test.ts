import type {
  APIGatewayAuthorizerResult,
  APIGatewaySimpleAuthorizerWithContextResult,
  APIGatewayTokenAuthorizerEvent,
} from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  type AuthorizerPolicyResult,
  type CogauthOptions,
  type CognitoVerifier,
  ConfigError,
  createAuthorizer,
  type DecisionLog,
  type SimpleAuthorizerResult,
} from '../../src/index.js';
import { formatDecisionLog } from '../../src/pipeline/decision-log.js';
import { evaluatePolicy } from '../helpers/assertions.js';
import {
  accessToken,
  CLIENT_ID,
  captureLogs,
  httpApiEvent,
  idToken,
  key,
  localVerifier,
  otherKey,
  PREFIX,
  requestEvent,
  SAMPLE_RULES,
  tokenEvent,
  websocketConnectEvent,
} from '../helpers/fixtures.js';

function authorizer(options: Partial<CogauthOptions> = {}) {
  const logs = captureLogs();
  const handler = createAuthorizer({
    verifier: localVerifier(),
    rules: SAMPLE_RULES,
    logger: logs.logger,
    ...options,
  });
  return { handler, ...logs };
}

async function policyOf(promise: Promise<unknown>): Promise<AuthorizerPolicyResult> {
  const result = (await promise) as AuthorizerPolicyResult;
  expect(result.policyDocument.Statement.length).toBeGreaterThan(0);
  for (const s of result.policyDocument.Statement) expect(s.Resource.length).toBeGreaterThan(0);
  return result;
}

describe('REST TOKEN events', () => {
  it('allows a permitted route with one policy covering every permitted route', async () => {
    const { handler, entries } = authorizer();
    const token = accessToken(key(), { sub: 'user-1', username: 'alice', groups: ['writers'] });
    const result = await policyOf(handler(tokenEvent(`Bearer ${token}`, 'POST/messages')));
    const typed: APIGatewayAuthorizerResult = result;
    expect(typed.principalId).toBe('user-1');
    expect(result.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${PREFIX}GET/messages`, `${PREFIX}POST/messages`, `${PREFIX}GET/me`],
      },
    ]);
    expect(result.context).toEqual({
      sub: 'user-1',
      username: 'alice',
      groups: '["writers"]',
      scope: 'aws.cognito.signin.user.admin',
      tokenUse: 'access',
      clientId: CLIENT_ID,
    });
    expect(entries).toEqual([
      {
        msg: 'cogauth authorizer decision',
        decision: 'Allow',
        reason: 'ALLOWED',
        event: 'TOKEN',
        principal: 'user-1',
        route: 'POST /messages',
        permittedRules: 3,
        latencyMs: expect.any(Number),
      },
    ]);
  });

  it('answers a valid token without rights for the route with an explicit Deny for that request only', async () => {
    const { handler, entries } = authorizer();
    const result = await policyOf(
      handler(tokenEvent(`Bearer ${accessToken(key(), { groups: ['writers'] })}`, 'DELETE/messages/42')),
    );
    expect(evaluatePolicy(result, `${PREFIX}DELETE/messages/42`)).toBe('Deny');
    expect(result.policyDocument.Statement.find((s) => s.Effect === 'Deny')?.Resource).toEqual([
      `${PREFIX}DELETE/messages/42`,
    ]);
    // The same (cached) policy still serves the caller's other routes.
    expect(evaluatePolicy(result, `${PREFIX}POST/messages`)).toBe('Allow');
    expect(evaluatePolicy(result, `${PREFIX}DELETE/messages/43`)).toBe('Deny');
    expect(entries[0]).toMatchObject({
      decision: 'Deny',
      reason: 'ROUTE_NOT_PERMITTED',
      route: 'DELETE /messages/42',
    });
  });

  it('denies everything when the claims satisfy no rule (a rule set that allows this caller nothing)', async () => {
    const { handler, entries } = authorizer({ rules: [{ route: 'GET /admin', groups: ['admin'] }] });
    const result = await policyOf(handler(tokenEvent(`Bearer ${accessToken()}`, 'GET/admin')));
    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
    ]);
    expect(entries[0]).toMatchObject({ decision: 'Deny', reason: 'NO_ROUTE_PERMITTED', permittedRules: 0 });
  });

  it('works with the serverless-offline method ARN shape', async () => {
    const { handler } = authorizer();
    const offline = 'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/';
    const event: APIGatewayTokenAuthorizerEvent = {
      type: 'TOKEN',
      authorizationToken: `Bearer ${accessToken(key(), { groups: ['admin'] })}`,
      methodArn: `${offline}DELETE/messages/{id}`,
    };
    const result = await policyOf(handler(event));
    expect(evaluatePolicy(result, event.methodArn)).toBe('Allow');
    expect(result.policyDocument.Statement[0]?.Resource).toContain(`${offline}DELETE/messages/*`);
  });

  it.each([
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
  ])('scopes the policy to the %s partition of the method ARN', async (partition, region) => {
    const { handler } = authorizer();
    const arn = `arn:${partition}:execute-api:${region}:123456789012:api9/stage1/GET/me`;
    const result = await policyOf(
      handler({ type: 'TOKEN', authorizationToken: `Bearer ${accessToken()}`, methodArn: arn }),
    );
    const resources = result.policyDocument.Statement.flatMap((s) => s.Resource);
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources)
      expect(r.startsWith(`arn:${partition}:execute-api:${region}:123456789012:api9/stage1/`)).toBe(true);
    expect(evaluatePolicy(result, arn)).toBe('Allow');
    expect(evaluatePolicy(result, arn.replace(partition, 'aws'))).toBe('Deny');
  });

  it('does not deny an ARN holding a wildcard character explicitly (the implicit deny still answers 403)', async () => {
    const { handler } = authorizer();
    const result = await policyOf(handler(tokenEvent(`Bearer ${accessToken()}`, 'GET/messages/*')));
    expect(result.policyDocument.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(evaluatePolicy(result, `${PREFIX}GET/messages/*`)).toBe('Deny');
  });
});

describe('authentication failures throw exactly Error("Unauthorized")', () => {
  const expired = accessToken(key(), { now: Math.floor(Date.now() / 1000) - 7200, ttlSeconds: 60 });
  const cases: [string, unknown, string][] = [
    ['no header', tokenEvent(''), 'TOKEN_MISSING'],
    ['a malformed header', tokenEvent(`Token ${accessToken()}`), 'BEARER_MALFORMED'],
    ['a bare token', tokenEvent(accessToken()), 'BEARER_MALFORMED'],
    ['a token that is not a JWT', tokenEvent('Bearer a.b.c'), 'TOKEN_MALFORMED'],
    ['a token with two segments', tokenEvent('Bearer a.b'), 'TOKEN_MALFORMED'],
    ['a token with four segments', tokenEvent(`Bearer ${accessToken()}.x`), 'TOKEN_MALFORMED'],
    ['a token with a non-base64url character', tokenEvent(`Bearer ${accessToken()},x`), 'TOKEN_MALFORMED'],
    ['a token with padding', tokenEvent(`Bearer ${accessToken().replace('.', '=.')}`), 'TOKEN_MALFORMED'],
    ['a bad signature', tokenEvent(`Bearer ${accessToken(otherKey, {})}`), 'SIGNATURE_INVALID'],
    ['an expired token', tokenEvent(`Bearer ${expired}`), 'TOKEN_EXPIRED'],
    [
      'a wrong issuer',
      tokenEvent(`Bearer ${accessToken(key(), { poolId: 'us-east-1_Other' })}`),
      'ISSUER_INVALID',
    ],
    [
      'a wrong client',
      tokenEvent(`Bearer ${accessToken(key(), { clientId: 'someoneelse' })}`),
      'AUDIENCE_INVALID',
    ],
    ['a wrong token_use', tokenEvent(`Bearer ${idToken()}`), 'TOKEN_USE_INVALID'],
    ['an unknown event shape', { type: 'SQS', Records: [] }, 'EVENT_UNSUPPORTED'],
    ['a non-object event', 'TOKEN', 'EVENT_UNSUPPORTED'],
    ['a missing methodArn', { type: 'TOKEN', authorizationToken: `Bearer ${accessToken()}` }, 'ARN_INVALID'],
    [
      'a foreign methodArn',
      { ...tokenEvent(`Bearer ${accessToken()}`), methodArn: 'arn:aws:s3:::bucket' },
      'ARN_INVALID',
    ],
  ];
  it.each(cases)('%s', async (_name, event, reason) => {
    const { handler, entries } = authorizer();
    const err = await handler(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('Unauthorized');
    expect(Object.getPrototypeOf(err)).toBe(Error.prototype);
    expect(entries).toEqual([expect.objectContaining({ decision: 'Unauthorized', reason })]);
  });

  it('a verifier throwing something that is not a VerifyError', async () => {
    const broken: CognitoVerifier = {
      verify: () => Promise.reject(new TypeError(`boom ${accessToken()}`)),
      verifySync: () => {
        throw new TypeError('boom');
      },
      hydrate: () => Promise.resolve(),
      cacheJwks: () => {},
      dropJwks: () => {},
    };
    const { handler, entries, lines } = authorizer({ verifier: broken });
    await expect(handler(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow(/^Unauthorized$/);
    expect(entries[0]).toMatchObject({
      decision: 'Unauthorized',
      reason: 'VERIFIER_ERROR',
      error: 'TypeError',
    });
    expect(lines[0]).not.toMatch(/boom|eyJ/);
  });

  it('a verifier resolving claims without sub', async () => {
    const odd = { verify: () => Promise.resolve({} as never) } as unknown as CognitoVerifier;
    const { handler, entries } = authorizer({ verifier: odd });
    await expect(handler(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow('Unauthorized');
    expect(entries[0]?.reason).toBe('CLAIM_INVALID');
  });

  it('a context hook that throws, rejects or returns what API Gateway would refuse fails closed', async () => {
    for (const context of [
      () => {
        throw new Error('db down');
      },
      () => Promise.reject(new Error('db down')),
      () => ({ n: Number.NaN }),
      () => 'not an object' as never,
    ]) {
      const { handler, entries } = authorizer({ context });
      await expect(handler(tokenEvent(`Bearer ${accessToken()}`))).rejects.toThrow(/^Unauthorized$/);
      expect(entries[0]).toMatchObject({ decision: 'Unauthorized', reason: 'CONTEXT_ERROR' });
    }
  });

  it('a throwing logger changes nothing', async () => {
    const handler = createAuthorizer({
      verifier: localVerifier(),
      rules: SAMPLE_RULES,
      logger: () => {
        throw new Error('sink down');
      },
    });
    const result = await policyOf(handler(tokenEvent(`Bearer ${accessToken()}`)));
    expect(evaluatePolicy(result, `${PREFIX}GET/messages`)).toBe('Allow');
    await expect(handler(tokenEvent('Bearer x'))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('REST REQUEST events', () => {
  it.each(['Authorization', 'authorization', 'AUTHORIZATION'])('reads the %s header', async (name) => {
    const { handler, entries } = authorizer();
    const result = await policyOf(handler(requestEvent({ [name]: `bearer  ${accessToken()} ` }, 'GET/me')));
    expect(evaluatePolicy(result, `${PREFIX}GET/me`)).toBe('Allow');
    expect(entries[0]).toMatchObject({ event: 'REQUEST', decision: 'Allow' });
  });

  it('reads multiValueHeaders when headers lack it', async () => {
    const { handler } = authorizer();
    const event = requestEvent(null, 'GET/me', { Authorization: [`Bearer ${accessToken()}`] });
    expect(evaluatePolicy(await policyOf(handler(event)), `${PREFIX}GET/me`)).toBe('Allow');
  });

  it('refuses two different Authorization values and a missing header', async () => {
    const { handler, entries } = authorizer();
    const two = requestEvent(null, 'GET/me', {
      Authorization: [`Bearer ${accessToken()}`, `Bearer ${accessToken()}`],
    });
    await expect(handler(two)).rejects.toThrow(/^Unauthorized$/);
    const mixed = requestEvent(
      { Authorization: `Bearer ${accessToken()}`, authorization: `Bearer ${accessToken()}` },
      'GET/me',
    );
    await expect(handler(mixed)).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(requestEvent({ Accept: '*/*' }, 'GET/me'))).rejects.toThrow(/^Unauthorized$/);
    expect(entries.map((e) => e.reason)).toEqual(['BEARER_MALFORMED', 'BEARER_MALFORMED', 'TOKEN_MISSING']);
  });
});

describe('HTTP API payload 2.0', () => {
  it('answers simple responses: isAuthorized true / false with context', async () => {
    const { handler, entries } = authorizer({ httpApiResponse: 'simple' });
    const token = accessToken(key(), { sub: 'u-2', groups: ['admin'] });
    const ok = (await handler(
      httpApiEvent(`Bearer ${token}`, 'DELETE/messages/7'),
    )) as SimpleAuthorizerResult;
    const typed: APIGatewaySimpleAuthorizerWithContextResult<Record<string, string | number | boolean>> = {
      isAuthorized: ok.isAuthorized,
      context: ok.context ?? {},
    };
    expect(typed).toEqual({
      isAuthorized: true,
      context: expect.objectContaining({ sub: 'u-2', groups: '["admin"]' }),
    });
    expect(await handler(httpApiEvent(`Bearer ${accessToken()}`, 'DELETE/messages/7'))).toEqual({
      isAuthorized: false,
      context: expect.objectContaining({ groups: '[]' }),
    });
    expect(entries.map((e) => [e.event, e.decision])).toEqual([
      ['HTTP_API_V2', 'Allow'],
      ['HTTP_API_V2', 'Deny'],
    ]);
  });

  it('throws Unauthorized for authentication failures (401), also with simple responses', async () => {
    const { handler } = authorizer();
    await expect(handler(httpApiEvent(undefined))).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(httpApiEvent('Bearer a.b.c'))).rejects.toThrow(/^Unauthorized$/);
  });

  it('keeps header case as serverless-offline does and falls back to identitySource', async () => {
    const { handler } = authorizer({ httpApiResponse: 'simple' });
    expect(await handler(httpApiEvent(`Bearer ${accessToken()}`, 'GET/me', 'Authorization'))).toMatchObject({
      isAuthorized: true,
    });
    const viaSource = { ...httpApiEvent(`Bearer ${accessToken()}`, 'GET/me', 'x-token'), headers: {} };
    expect(await handler(viaSource)).toMatchObject({ isAuthorized: true });
  });

  it('answers IAM policies when configured, evaluated against the routeArn', async () => {
    const { handler } = authorizer({ httpApiResponse: 'iam' });
    const event = httpApiEvent(`Bearer ${accessToken(key(), { groups: ['writers'] })}`, 'POST/messages');
    const result = await policyOf(handler(event));
    expect(evaluatePolicy(result, event.routeArn)).toBe('Allow');
    expect(evaluatePolicy(result, event.routeArn.replace('POST/messages', 'DELETE/messages/1'))).toBe('Deny');
  });
});

describe('WebSocket $connect', () => {
  it('allows $connect for callers the $connect rule admits and denies others', async () => {
    const rules = [{ route: '$connect', groups: ['chat'] }, { route: 'GET /me' }];
    const { handler, entries } = authorizer({ rules });
    const ok = await policyOf(
      handler(websocketConnectEvent({ Authorization: `Bearer ${accessToken(key(), { groups: ['chat'] })}` })),
    );
    expect(evaluatePolicy(ok, `${PREFIX}$connect`)).toBe('Allow');
    const no = await policyOf(handler(websocketConnectEvent({ Authorization: `Bearer ${accessToken()}` })));
    expect(evaluatePolicy(no, `${PREFIX}$connect`)).toBe('Deny');
    expect(entries.map((e) => [e.event, e.decision, e.route])).toEqual([
      ['WEBSOCKET_CONNECT', 'Allow', '$connect'],
      ['WEBSOCKET_CONNECT', 'Deny', '$connect'],
    ]);
  });
});

describe('context', () => {
  it('maps id tokens: cognito:username, aud, email', async () => {
    const { handler } = authorizer({ verifier: localVerifier({ tokenUse: 'id' }) });
    const token = idToken(key(), {
      sub: 'u-3',
      username: 'bob',
      email: 'bob@example.com',
      groups: ['a', 'b'],
    });
    const result = await policyOf(handler(tokenEvent(`Bearer ${token}`)));
    expect(result.context).toEqual({
      sub: 'u-3',
      username: 'bob',
      groups: '["a","b"]',
      tokenUse: 'id',
      clientId: CLIENT_ID,
      email: 'bob@example.com',
    });
  });

  it('passes groups as a JSON array string, so a group name holding "," stays one group', async () => {
    const { handler } = authorizer();
    const token = accessToken(key(), { groups: ['readers,admin', 'x"y'] });
    const result = await policyOf(handler(tokenEvent(`Bearer ${token}`)));
    expect(JSON.parse(String(result.context?.groups))).toEqual(['readers,admin', 'x"y']);
    const none = await policyOf(handler(tokenEvent(`Bearer ${accessToken()}`)));
    expect(JSON.parse(String(none.context?.groups))).toEqual([]);
  });

  it.each([
    [true, true],
    ['true', true],
    [false, false],
    ['false', false],
    [undefined, false],
    ['TRUE', false],
  ])('forwards email only when email_verified is true (email_verified %j)', async (verified, forwarded) => {
    const { handler } = authorizer({ verifier: localVerifier({ tokenUse: 'id' }) });
    const token = idToken(key(), { email: 'eve@example.com', overrides: { email_verified: verified } });
    const result = await policyOf(handler(tokenEvent(`Bearer ${token}`)));
    if (forwarded) expect(result.context?.email).toBe('eve@example.com');
    else expect(result.context).not.toHaveProperty('email');
    expect(result.context).not.toHaveProperty('emailVerified');
  });

  it('merges the hook over the defaults with the context conversions applied', async () => {
    const hook = vi.fn((claims: { sub: string }) => ({
      tenant: `t-${claims.sub}`,
      roles: ['x', 'y'],
      meta: { a: 1 },
    }));
    const { handler } = authorizer({ context: hook });
    const result = await policyOf(handler(tokenEvent(`Bearer ${accessToken(key(), { sub: 'u-4' })}`)));
    expect(hook).toHaveBeenCalledTimes(1);
    expect(result.context).toMatchObject({ sub: 'u-4', tenant: 't-u-4', roles: 'x,y', meta: '{"a":1}' });
    const asyncHook = authorizer({ context: async () => ({ sub: 'overridden' }) });
    const r2 = await policyOf(asyncHook.handler(tokenEvent(`Bearer ${accessToken(key(), { sub: 'u-5' })}`)));
    expect(r2.context?.sub).toBe('overridden');
    expect(r2.principalId).toBe('u-5');
  });
});

describe('logs', () => {
  it('never contain the token, its signature or its payload, on any path', async () => {
    const { handler, lines } = authorizer({ verifier: localVerifier({}, { cache: false }) });
    const token = accessToken(key(), { groups: ['writers'] });
    const badSig = accessToken(otherKey, {});
    const events = [
      tokenEvent(`Bearer ${token}`),
      tokenEvent(`Bearer ${token}`, 'DELETE/messages/1'),
      tokenEvent(`Bearer ${badSig}`),
      tokenEvent(`Basic ${token}`),
      requestEvent({ authorization: `Bearer ${token}` }),
      httpApiEvent(`Bearer ${token}`),
    ];
    for (const e of events) await handler(e).catch(() => undefined);
    expect(lines).toHaveLength(events.length);
    for (const line of lines) {
      for (const t of [token, badSig]) {
        for (const part of t.split('.')) expect(line).not.toContain(part);
      }
      expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('the default logger writes one JSON line per decision to stdout', async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const handler = createAuthorizer({ verifier: localVerifier(), rules: SAMPLE_RULES });
      await handler(tokenEvent(`Bearer ${accessToken()}`));
      await handler(tokenEvent('nope')).catch(() => undefined);
      expect(spy).toHaveBeenCalledTimes(2);
      const first = JSON.parse(spy.mock.calls[0]?.[0] as string);
      expect(first).toMatchObject({ decision: 'Allow', reason: 'ALLOWED' });
      expect(JSON.parse(spy.mock.calls[1]?.[0] as string)).toMatchObject({ decision: 'Unauthorized' });
    } finally {
      spy.mockRestore();
    }
  });
});

describe('formatDecisionLog', () => {
  it('writes the same JSON as JSON.stringify for any entry', () => {
    const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          decision: fc.constantFrom('Allow', 'Deny', 'Unauthorized'),
          reason: fc.constantFrom('ALLOWED', 'ROUTE_NOT_PERMITTED', 'TOKEN_EXPIRED', 'INTERNAL_ERROR'),
          event: optional(fc.constantFrom('TOKEN', 'REQUEST', 'HTTP_API_V2', 'WEBSOCKET_CONNECT')),
          principal: optional(fc.string({ unit: 'binary' })),
          route: optional(fc.string({ unit: 'binary' })),
          permittedRules: optional(fc.nat()),
          error: optional(fc.string()),
          latencyMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
        }),
        (fields) => {
          const entry = { msg: 'cogauth authorizer decision', ...fields } as DecisionLog;
          const line = formatDecisionLog(entry);
          expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(entry)));
          expect(line).not.toContain('\n');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('memoized grants', () => {
  it('answers each caller by their own claims when callers share an ARN', async () => {
    const { handler } = authorizer({ verifier: localVerifier({}, { cache: false }) });
    const route = 'DELETE/messages/42';
    const callers = [['admin'], ['writers'], [], ['admin', 'writers'], ['writers'], ['admin']];
    for (const groups of callers) {
      const result = await policyOf(handler(tokenEvent(`Bearer ${accessToken(key(), { groups })}`, route)));
      expect(evaluatePolicy(result, PREFIX + route)).toBe(groups.includes('admin') ? 'Allow' : 'Deny');
      expect(evaluatePolicy(result, `${PREFIX}POST/messages`)).toBe(
        groups.includes('writers') ? 'Allow' : 'Deny',
      );
      expect(evaluatePolicy(result, `${PREFIX}GET/me`)).toBe('Allow');
    }
  });
});

describe('per-claims memo', () => {
  it('repeated tokens (result cache on) get each route decided by their own claims, interleaved', async () => {
    const { handler, entries } = authorizer({ verifier: localVerifier() });
    const admin = accessToken(key(), { sub: 'admin-1', groups: ['admin'] });
    const writer = accessToken(key(), { sub: 'writer-1', groups: ['writers'] });
    const nobody = accessToken(key(), { sub: 'nobody-1' });
    for (let round = 0; round < 3; round++) {
      for (const [token, sub, groups] of [
        [admin, 'admin-1', ['admin']],
        [writer, 'writer-1', ['writers']],
        [nobody, 'nobody-1', []],
      ] as const) {
        for (const route of ['DELETE/messages/42', 'POST/messages', 'GET/me']) {
          const result = await policyOf(handler(tokenEvent(`Bearer ${token}`, route)));
          expect(result.principalId).toBe(sub);
          expect(result.context?.sub).toBe(sub);
          expect(result.context?.groups).toBe(JSON.stringify(groups));
          const expected =
            route === 'GET/me' ||
            (route === 'POST/messages' && groups.includes('writers' as never)) ||
            (route.startsWith('DELETE') && groups.includes('admin' as never));
          expect(evaluatePolicy(result, PREFIX + route)).toBe(expected ? 'Allow' : 'Deny');
        }
      }
    }
    expect(entries.filter((e) => e.decision === 'Allow')).toHaveLength(3 * 5);
  });

  it('hands every answer its own context object', async () => {
    const { handler } = authorizer();
    const event = tokenEvent(`Bearer ${accessToken(key(), { sub: 'u-ctx' })}`);
    const first = await policyOf(handler(event));
    (first.context as Record<string, unknown>).sub = 'tampered';
    const second = await policyOf(handler(event));
    expect(second.context?.sub).toBe('u-ctx');
  });

  it('stays right for repeated claims after a long run of new ones (sampled memo)', async () => {
    const claimsFor = (sub: string, groups: string[]) =>
      Object.freeze({ sub, token_use: 'access', 'cognito:groups': Object.freeze(groups) });
    const admin = claimsFor('admin-2', ['admin']);
    const plain = claimsFor('plain-2', []);
    let next: () => object = () => claimsFor('x', []);
    const custom: CognitoVerifier = {
      verify: async () => next() as never,
      verifySync: () => next() as never,
      hydrate: async () => {},
      cacheJwks: () => {},
      dropJwks: () => {},
    };
    const { handler } = authorizer({ verifier: custom });
    const event = tokenEvent('Bearer a.b.c', 'DELETE/messages/42');
    for (let i = 0; i < 1100; i++) {
      const groups = i % 2 ? ['admin'] : [];
      next = () => claimsFor(`u-${i}`, groups);
      const result = await policyOf(handler(event));
      expect(result.principalId).toBe(`u-${i}`);
      expect(evaluatePolicy(result, `${PREFIX}DELETE/messages/42`)).toBe(i % 2 ? 'Allow' : 'Deny');
    }
    for (let i = 0; i < 64; i++) {
      const claims = i % 3 ? admin : plain;
      next = () => claims;
      const result = await policyOf(handler(event));
      expect(result.principalId).toBe(claims.sub);
      expect(evaluatePolicy(result, `${PREFIX}DELETE/messages/42`)).toBe(i % 3 ? 'Allow' : 'Deny');
    }
  });

  it('does not memoize claims that are not frozen (a custom verifier may change them)', async () => {
    const claims: Record<string, unknown> = { sub: 'u-m', token_use: 'access', 'cognito:groups': [] };
    const custom: CognitoVerifier = {
      verify: async () => claims as never,
      verifySync: () => claims as never,
      hydrate: async () => {},
      cacheJwks: () => {},
      dropJwks: () => {},
    };
    const { handler } = authorizer({ verifier: custom });
    const event = tokenEvent('Bearer a.b.c', 'DELETE/messages/42');
    expect(evaluatePolicy(await policyOf(handler(event)), `${PREFIX}DELETE/messages/42`)).toBe('Deny');
    claims['cognito:groups'] = ['admin'];
    expect(evaluatePolicy(await policyOf(handler(event)), `${PREFIX}DELETE/messages/42`)).toBe('Allow');
  });
});

describe('configuration', () => {
  it('rejects bad options at creation, naming the field', () => {
    const v = localVerifier();
    expect(() => createAuthorizer({ verifier: {} as CognitoVerifier, rules: SAMPLE_RULES })).toThrow(
      /verifier/,
    );
    expect(() => createAuthorizer({ verifier: v, rules: [] })).toThrow(ConfigError);
    expect(() =>
      createAuthorizer({ verifier: v, rules: [{ route: 'GET /a', grups: ['x'] } as never] }),
    ).toThrow(/rules\[0\]\.grups/);
    expect(() =>
      createAuthorizer({ verifier: v, rules: SAMPLE_RULES, httpApiResponse: 'xml' as never }),
    ).toThrow(/httpApiResponse/);
    expect(() => createAuthorizer({ verifier: v, rules: SAMPLE_RULES, context: {} as never })).toThrow(
      /context/,
    );
    expect(() => createAuthorizer({ verifier: v, rules: SAMPLE_RULES, logger: 'x' as never })).toThrow(
      /logger/,
    );
    expect(() => createAuthorizer({ verifier: v, rules: JSON.stringify(SAMPLE_RULES) })).not.toThrow();
  });
});

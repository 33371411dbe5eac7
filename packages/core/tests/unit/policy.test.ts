import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PARTITIONS } from '../../src/cognito.js';
import { toAuthorizerContext } from '../../src/decide/context.js';
import { CogauthError, ConfigError } from '../../src/index.js';
import { AuthPolicy, parseMethodArn } from '../../src/policy.js';
import { evaluatePolicy, placeOf } from '../helpers/assertions.js';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/GET/messages/42';
const P = 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/prod/';

describe('parseMethodArn', () => {
  it.each([
    ['aws', 'us-east-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-eusc', 'eusc-de-east-1'],
  ])('parses partition %s', (partition, region) => {
    const arn = `arn:${partition}:execute-api:${region}:123456789012:abc/dev/POST/a/b_c/{id}`;
    expect(parseMethodArn(arn)).toEqual({
      partition,
      region,
      accountId: '123456789012',
      apiId: 'abc',
      stage: 'dev',
      method: 'POST',
      path: '/a/b_c/{id}',
      resource: 'POST/a/b_c/{id}',
      arn,
    });
  });

  it('accepts the serverless-offline shape (account and api placeholders, route template path)', () => {
    const a = parseMethodArn(
      'arn:aws:execute-api:us-east-1:random-account-id:random-api-id/dev/DELETE/messages/{id}',
    );
    expect(a).toMatchObject({ accountId: 'random-account-id', apiId: 'random-api-id', method: 'DELETE' });
    expect(a.path).toBe('/messages/{id}');
  });

  it('parses the root path, HTTP API $default stage and a WebSocket route key', () => {
    expect(parseMethodArn(`${P}GET/`)).toMatchObject({ method: 'GET', path: '/', resource: 'GET/' });
    expect(parseMethodArn('arn:aws:execute-api:eu-west-1:123456789012:api1/$default/GET/me')).toMatchObject({
      stage: '$default',
      path: '/me',
    });
    expect(parseMethodArn(`${P}$connect`)).toMatchObject({
      method: '$connect',
      path: '',
      resource: '$connect',
    });
  });

  it.each([
    undefined,
    42,
    '',
    'arn:aws:lambda:us-east-1:123456789012:function:f',
    'arn:aws-iso:execute-api:us-iso-east-1:123456789012:abc/dev/GET/x',
    'arn:aws:execute-api:us-east-1:123456789012:abc',
    'arn:aws:execute-api:us-east-1:123456789012:abc/dev',
    'arn:aws:execute-api:us-east-1:123456789012:abc/dev/get/x',
    'arn:aws:execute-api:us-east-1:123456789012:abc/dev/connect',
    'arn:aws:execute-api:us-east-1:123456789012:a*c/dev/GET/x',
    'arn:aws:execute-api:us-east-1:123456789012:abc/d*v/GET/x',
    `arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/${'x'.repeat(3000)}`,
    `arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/a\nb`,
  ])('refuses %s', (arn) => {
    expect(() => parseMethodArn(arn)).toThrow(CogauthError);
  });

  it('agrees with the ARN grammar written as a RegExp (the former parser, partitions from PARTITIONS)', () => {
    const grammar = new RegExp(
      `^arn:(${PARTITIONS.join('|')}):execute-api:([a-z0-9-]+):([A-Za-z0-9-]+):([A-Za-z0-9-]+)\\/(\\$default|[\\w-]+)\\/(?:([A-Z]+)(\\/.*)|(\\$[\\w-]+))$`,
    );
    const piece = fc.constantFrom(
      'arn:',
      'aws',
      'aws-eusc',
      'aws-iso',
      ':',
      'execute-api',
      'us-east-1',
      '123',
      'Ab-1',
      '/',
      '$default',
      'dev',
      'GET',
      'get',
      '$connect',
      '$',
      '{id}',
      '*',
      '\n',
      'x_y',
      '',
    );
    const arn = fc.oneof(
      fc.array(piece, { maxLength: 16 }).map((p) => p.join('')),
      fc
        .tuple(fc.constantFrom(...PARTITIONS), fc.array(piece, { maxLength: 6 }))
        .map(([p, rest]) => `arn:${p}:execute-api:eu-1:acc:api/dev/${rest.join('')}`),
    );
    fc.assert(
      fc.property(arn, (a) => {
        let parsed: unknown;
        try {
          parsed = parseMethodArn(a);
        } catch {
          parsed = undefined;
        }
        expect(parsed !== undefined, a).toBe(grammar.test(a));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('AuthPolicy', () => {
  const base = AuthPolicy.forArn(ARN);

  it('allows and denies verb + path with {param}, {proxy+}, * and _ in literals', () => {
    const policy = base
      .allow('GET', '/messages')
      .allow('DELETE', '/messages/{id}')
      .allow('GET', '/files/{proxy+}')
      .allow('PUT', '/a_b/*/c')
      .allow('GET', '/')
      .deny('POST', '/admin')
      .build('user-1');
    expect(policy).toEqual({
      principalId: 'user-1',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: [
              `${P}GET/messages`,
              `${P}DELETE/messages/*`,
              `${P}GET/files/*`,
              `${P}PUT/a_b/*/c`,
              `${P}GET/`,
            ],
          },
          { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${P}POST/admin`] },
        ],
      },
    });
    expect(evaluatePolicy(policy, `${P}DELETE/messages/42`)).toBe('Allow');
    expect(evaluatePolicy(policy, `${P}GET/files/a/b/c.txt`)).toBe('Allow');
    expect(evaluatePolicy(policy, `${P}POST/admin`)).toBe('Deny');
    expect(evaluatePolicy(policy, `${P}POST/messages`)).toBe('Deny');
  });

  it('expands ANY to each verb, because a * verb would also match across "/"', () => {
    const policy = base.allow('ANY', '/admin/*').build('u');
    const resources = policy.policyDocument.Statement[0]?.Resource;
    expect(resources).toHaveLength(7);
    expect(resources).toContain(`${P}OPTIONS/admin/*`);
    expect(evaluatePolicy(policy, `${P}GET/x/admin/y`)).toBe('Deny');
    expect(evaluatePolicy(policy, `${P}PATCH/admin/y`)).toBe('Allow');
  });

  it('builds the same document twice and is not changed by later calls', () => {
    const one = base.allow('GET', '/a');
    const first = one.build('u');
    const two = one.deny('GET', '/b').withContext({ k: 'v' });
    expect(one.build('u')).toEqual(first);
    expect(one.build('u')).not.toBe(first);
    first.policyDocument.Statement[0]?.Resource.push('tampered');
    expect(one.build('u').policyDocument.Statement[0]?.Resource).toEqual([`${P}GET/a`]);
    expect(two.build('u').context).toEqual({ k: 'v' });
    expect(one.build('u').context).toBeUndefined();
  });

  it('keeps conditional statements separate', () => {
    const conditions = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } };
    const policy = base.allow('GET', '/a', conditions).allow('GET', '/b').build('u');
    expect(policy.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${P}GET/a`], Condition: conditions },
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${P}GET/b`] },
    ]);
    expect(() => base.allow('GET', '/a', {})).toThrow(ConfigError);
    expect(() => base.allow('GET', '/a', { IpAddress: {} })).toThrow(/conditions.IpAddress/);
  });

  it('allowAll / denyAll cover every route of the API and stage, route keys included', () => {
    const all = base.allowAll().build('u');
    expect(all.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${P}*`] },
    ]);
    expect(evaluatePolicy(all, `${P}$connect`)).toBe('Allow');
    expect(evaluatePolicy(all, 'arn:aws:execute-api:us-east-1:123456789012:abcdef123/test/GET/x')).toBe(
      'Deny',
    );
    expect(evaluatePolicy(base.allowAll().denyAll().build('u'), `${P}GET/x`)).toBe('Deny');
    expect(evaluatePolicy(base.allowRouteKey('$connect').build('u'), `${P}$connect`)).toBe('Allow');
  });

  it('carries usageIdentifierKey and is assignable to the aws-lambda result type', () => {
    const result: APIGatewayAuthorizerResult = base
      .allow('GET', '/a')
      .withUsageIdentifierKey('key-123')
      .withContext({ a: 1 })
      .build('u');
    expect(result.usageIdentifierKey).toBe('key-123');
    expect(() => base.withUsageIdentifierKey('')).toThrow(ConfigError);
  });

  it('never emits an empty statement list and requires a principal', () => {
    expect(() => base.build('u')).toThrow(/no statements/);
    expect(() => base.withContext({ a: 'b' }).build('u')).toThrow(CogauthError);
    expect(() => base.allow('GET', '/a').build('')).toThrow(/principalId/);
  });

  it.each(['messages', '/messages/', '//x', '/a b', '/a?b=1', '/a*', '/{proxy+}/x', '/{}', '/{a/b}', '/a#b'])(
    'refuses the path %j',
    (path) => {
      expect(() => base.allow('GET', path)).toThrow(ConfigError);
    },
  );

  it('refuses unknown verbs', () => {
    expect(() => base.allow('get' as 'GET', '/a')).toThrow(/method/);
    expect(() => base.deny('TRACE' as 'GET', '/a')).toThrow(ConfigError);
  });
});

describe('toAuthorizerContext', () => {
  it('passes strings, finite numbers and booleans; joins arrays; JSON-encodes objects; drops null', () => {
    expect(
      toAuthorizerContext({
        s: 'x',
        n: 1.5,
        b: false,
        groups: ['admin', 'writers'],
        mixed: [1, true, { a: 1 }, null],
        nested: { a: [1, 2], b: 'c' },
        gone: null,
        alsoGone: undefined,
      }),
    ).toEqual({
      s: 'x',
      n: 1.5,
      b: false,
      groups: 'admin,writers',
      mixed: '1,true,{"a":1},',
      nested: '{"a":[1,2],"b":"c"}',
    });
  });

  it.each([
    [{ n: Number.NaN }, 'context.n'],
    [{ n: Number.POSITIVE_INFINITY }, 'context.n'],
    [{ big: 10n }, 'context.big'],
    [{ f: () => 1 }, 'context.f'],
    [{ s: Symbol('x') }, 'context.s'],
    [{ deep: { n: Number.NaN } }, 'context.deep'],
    [{ arr: [Number.NaN] }, 'context.arr'],
    [{ '': 'x' }, 'context'],
  ])('refuses %o naming %s', (input, field) => {
    try {
      toAuthorizerContext(input as Record<string, unknown>);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect(placeOf(err as ConfigError)).toBe(field);
    }
  });

  it('refuses a cyclic object and a non-object', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toAuthorizerContext({ c: cyclic })).toThrow(ConfigError);
    expect(() => toAuthorizerContext([] as unknown as Record<string, unknown>)).toThrow(ConfigError);
  });

  it('applies through the builder, later keys winning', () => {
    const p = AuthPolicy.forArn(ARN)
      .allow('GET', '/a')
      .withContext({ a: 1, g: ['x'] })
      .withContext({ a: 'two' });
    expect(p.build('u').context).toEqual({ a: 'two', g: 'x' });
    expect(() => AuthPolicy.forArn(ARN).withContext({ bad: Number.NaN })).toThrow(ConfigError);
  });
});

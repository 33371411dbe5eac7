import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTestKey, jwksOf } from '@cogauth/test-fixtures';
import { Duration, Fn } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CogauthJwks, LAMBDA_ENVIRONMENT_MAX_BYTES } from '../../src/index.js';
import { authorizerEnv, authorizerStack, configError, only, templateOf } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'cogauth-cdk-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rules', () => {
  it('fails the synth on a bad rule, naming it', () => {
    const bad = configError(() => authorizerStack({ rules: [{ route: 'GET /ok' }, { route: 'FETCH /x' }] }));
    expect(bad.path).toEqual(['rules', 1, 'route']);
    expect(bad.field).toBe('rules');
    const typo = configError(() =>
      authorizerStack({ rules: [{ route: 'GET /me', group: ['admin'] } as unknown as { route: string }] }),
    );
    expect(typo.path).toEqual(['rules', 0, 'group']);
    expect(configError(() => authorizerStack({ rules: [] })).field).toBe('rules');
  });

  it('refuses rules too large for the 4 KB Lambda environment, naming the prop', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      route: `GET /resource${i}/items`,
      groups: ['admin'],
    }));
    const err = configError(() => authorizerStack({ rules: many }));
    expect(err.field).toBe('rules');
    expect(err.message).toMatch(new RegExp(`over Lambda's ${LAMBDA_ENVIRONMENT_MAX_BYTES}-byte limit`));
  });

  it('counts a token at its longest value: rules that fit with literal ids can be refused with tokens', () => {
    // ~3,900 bytes of rules: fit beside a short literal pool and client id, not beside 55 + 128 bytes of ids.
    const rules: { route: string }[] = [];
    while (JSON.stringify(rules).length < 3880) rules.push({ route: `GET /r${rules.length}/items` });
    // Per request: the answer-size check (a whole answer for 143 routes could pass 8 KB) stays out of the way.
    const answerMode = 'per-request';
    expect(() =>
      authorizerStack({ userPoolId: 'us-east-1_Ab1', clientIds: ['c1'], rules, answerMode }),
    ).not.toThrow();
    expect(configError(() => authorizerStack({ rules, answerMode })).detail).toContain(
      "over Lambda's 4096-byte",
    );
  });
});

describe('answer size', () => {
  // 25 ANY routes: 175 policy resources, far over API Gateway's 8 KB answer, in a 1 KB environment.
  const many = Array.from({ length: 25 }, (_, i) => ({ route: `ANY /service${i}/{proxy+}` }));

  it('fails the synth when an answer could pass API Gateway’s 8 KB, naming rules, the limit and the count', () => {
    const err = configError(() => authorizerStack({ rules: many }));
    expect(err.path).toEqual(['rules']);
    expect(err.detail).toMatch(/could reach \d+ bytes \(25 rules;/);
    expect(err.detail).toContain('API Gateway takes at most 8192 bytes');
    expect(err.detail).toContain("answerMode: 'per-request'");
  });

  it("answerMode 'per-request' synthesizes them, and tells the function", () => {
    const t = templateOf(authorizerStack({ rules: many, answerMode: 'per-request' }).stack);
    expect(authorizerEnv(t).COGAUTH_ANSWER_MODE).toBe('per-request');
    expect(authorizerEnv(templateOf(authorizerStack().stack)).COGAUTH_ANSWER_MODE).toBeUndefined();
  });

  it('refuses an answerMode it does not know', () => {
    type Props = Parameters<typeof authorizerStack>[0];
    expect(configError(() => authorizerStack({ answerMode: 'some' } as unknown as Props)).field).toBe(
      'answerMode',
    );
  });
});

describe('result cache TTL', () => {
  it('refuses a TTL outside 0–3600 whole seconds, naming the prop', () => {
    for (const ttl of [Duration.seconds(3601), Duration.hours(2), Duration.millis(1500)]) {
      expect(configError(() => authorizerStack({ resultsCacheTtl: ttl })).field).toBe('resultsCacheTtl');
    }
  });

  it('passes 0 and 3600 through to the REST authorizer', () => {
    const { auth } = authorizerStack({ resultsCacheTtl: Duration.seconds(0) });
    expect(auth.resultsCacheTtl.toSeconds()).toBe(0);
    const { auth: max } = authorizerStack({ resultsCacheTtl: Duration.hours(1) });
    expect(max.resultsCacheTtl.toSeconds()).toBe(3600);
  });
});

describe('user pool and clients', () => {
  it('refuses a missing, empty or malformed pool id, naming the prop', () => {
    const { pool } = authorizerStack();
    expect(
      configError(() => authorizerStack({ userPool: undefined, userPoolId: '', clientIds: ['c1'] })).field,
    ).toBe('userPoolId');
    expect(configError(() => authorizerStack({ userPoolId: 'my-pool', clientIds: ['c1'] })).field).toBe(
      'userPoolId',
    );
    expect(configError(() => authorizerStack({ userPoolId: 'local_abc', clientIds: ['c1'] })).field).toBe(
      'userPoolId',
    );
    expect(configError(() => authorizerStack({ userPool: pool, userPoolId: 'us-east-1_Ab1' })).field).toBe(
      'userPoolId',
    );
    const imported = (id: string) => cognito.UserPool.fromUserPoolId(pool.stack, `P${id.length}`, id);
    expect(configError(() => authorizerStack({ userPool: imported('nope'), clientIds: ['c1'] })).field).toBe(
      'userPool',
    );
  });

  it('refuses bad or missing client ids, naming the prop', () => {
    expect(configError(() => authorizerStack({ userPoolId: 'us-east-1_Ab1', clientIds: [] })).field).toBe(
      'clientIds',
    );
    expect(
      configError(() => authorizerStack({ userPoolId: 'us-east-1_Ab1', clientIds: ['ok', 'a,b'] })).path,
    ).toEqual(['clientIds', 1]);
    expect(
      configError(() => authorizerStack({ userPoolId: 'us-east-1_Ab1', clientIds: ['*'] })).path,
    ).toEqual(['clientIds', 0]);
    expect(configError(() => authorizerStack({ userPoolId: 'us-east-1_Ab1', clientIds: [''] })).path).toEqual(
      ['clientIds', 0],
    );
  });

  it('accepts an existing pool by id and CloudFormation tokens for the pool and clients', () => {
    const literal = templateOf(
      authorizerStack({ userPoolId: 'eu-west-1_AbC123', clientIds: ['a1', 'b2', 'a1'] }).stack,
    );
    expect(authorizerEnv(literal)).toMatchObject({
      COGAUTH_USER_POOL_ID: 'eu-west-1_AbC123',
      COGAUTH_CLIENT_IDS: 'a1,b2',
    });
    const tokens = templateOf(
      authorizerStack({ userPoolId: Fn.importValue('PoolId'), clientIds: [Fn.importValue('ClientId')] })
        .stack,
    );
    expect(authorizerEnv(tokens)).toMatchObject({
      COGAUTH_USER_POOL_ID: { 'Fn::ImportValue': 'PoolId' },
      COGAUTH_CLIENT_IDS: { 'Fn::ImportValue': 'ClientId' },
    });
  });

  it('refuses a tokenUse, httpApiResponse or httpApiCache it does not know', () => {
    type Props = Parameters<typeof authorizerStack>[0];
    expect(configError(() => authorizerStack({ tokenUse: 'refresh' } as unknown as Props)).field).toBe(
      'tokenUse',
    );
    expect(configError(() => authorizerStack({ httpApiResponse: 'policy' } as unknown as Props)).field).toBe(
      'httpApiResponse',
    );
    expect(configError(() => authorizerStack({ httpApiCache: 'no' } as unknown as Props)).field).toBe(
      'httpApiCache',
    );
  });
});

describe('embedded JWKS', () => {
  const key = generateTestKey({ alg: 'RS256' });

  it('embeds a JWKS from a file or a document as COGAUTH_JWKS', () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(jwksOf(key), null, 2));
    const fromFile = authorizerEnv(templateOf(authorizerStack({ jwks: CogauthJwks.fromFile(file) }).stack));
    expect(JSON.parse(fromFile.COGAUTH_JWKS as string)).toEqual(jwksOf(key));
    const fromDoc = authorizerEnv(
      templateOf(authorizerStack({ jwks: CogauthJwks.fromDocument(jwksOf(key)) }).stack),
    );
    expect(fromDoc.COGAUTH_JWKS).toBe(fromFile.COGAUTH_JWKS);
  });

  it('refuses a missing file, a non-JWKS and private key material', () => {
    expect(configError(() => CogauthJwks.fromFile(join(dir, 'missing.json'))).field).toBe('jwks');
    expect(configError(() => CogauthJwks.fromDocument({ keys: [] })).field).toBe('jwks');
    const priv = key.privateKey.export({ format: 'jwk' });
    expect(configError(() => CogauthJwks.fromDocument({ keys: [priv] })).path).toEqual(['jwks', 'keys', 0]);
  });

  it('refuses a JWKS the authorizer would refuse at cold start (core handlerFromEnv on its environment)', () => {
    // Well-formed JSON that only core's key import rejects (an RSA modulus far below 2048 bits).
    const weak = CogauthJwks.fromDocument({
      keys: [{ kty: 'RSA', kid: 'k', alg: 'RS256', n: 'AQAB', e: 'AQAB' }],
    });
    const err = configError(() => authorizerStack({ jwks: weak }));
    expect(err.path).toEqual(['jwks', 'keys', 0]);
    expect(err.message).toMatch(/^jwks\.keys\[0\]: is not a usable key: RSA key has \d+ bits/);
    // With the pool and client as CloudFormation tokens (placeholders in the check), and whatever
    // COGAUTH_* variables the synth shell has, the same refusal.
    vi.stubEnv('COGAUTH_JWKS', JSON.stringify(jwksOf(key)));
    vi.stubEnv('COGAUTH_POOLS', '[{"userPoolId":"us-east-1_Ab1","clientId":null,"tokenUse":null}]');
    try {
      const tokens = configError(() =>
        authorizerStack({
          userPoolId: Fn.importValue('PoolId'),
          clientIds: [Fn.importValue('ClientId')],
          jwks: weak,
        }),
      );
      expect(tokens.path).toEqual(['jwks', 'keys', 0]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('function', () => {
  it('defaults to nodejs22.x on arm64 and takes another Node.js 22+ runtime and architecture', () => {
    const t = templateOf(
      authorizerStack({ runtime: lambda.Runtime.NODEJS_24_X, architecture: lambda.Architecture.X86_64 })
        .stack,
    );
    expect(only(t, 'AWS::Lambda::Function')[1]).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
    });
  });

  it('refuses a runtime the bundle cannot run on', () => {
    expect(configError(() => authorizerStack({ runtime: lambda.Runtime.NODEJS_20_X })).field).toBe('runtime');
    expect(configError(() => authorizerStack({ runtime: lambda.Runtime.PYTHON_3_13 })).field).toBe('runtime');
  });
});

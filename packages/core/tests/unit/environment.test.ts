import { jwksOf } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CognitoVerifierOptions } from '../../src/index.js';
import { readEnvironment, readVerifierEnvironment, writeEnvironment } from '../../src/lambda.js';
import { configError, placeOf } from '../helpers/assertions.js';
import { key, localVerifier, SAMPLE_RULES } from '../helpers/fixtures.js';

// The COGAUTH_* contract in both directions (authorizer/environment.ts): what writeEnvironment writes,
// readEnvironment reads back to the same options, as the CDK construct and the Serverless plugin rely on.

const POOL = 'us-east-1_AbC123xyz';

describe('writeEnvironment, then read back', () => {
  it('one pool: the single-pool variables, always with COGAUTH_TOKEN_USE and COGAUTH_HTTP_API_RESPONSE', () => {
    const jwks = jwksOf(key());
    const options: CognitoVerifierOptions = {
      userPoolId: POOL,
      clientId: ['client1', 'client2'],
      tokenUse: 'id',
      issuer: ['http://127.0.0.1:9229/local_x', 'http://127.0.0.1:9229/local_y'],
      jwksUri: 'http://127.0.0.1:9229/local_x/.well-known/jwks.json',
      graceSeconds: 5,
      jwks,
    };
    const env = writeEnvironment({ verifier: options, rules: SAMPLE_RULES, httpApiCache: 'off' });
    expect(Object.keys(env)).toEqual([
      'COGAUTH_USER_POOL_ID',
      'COGAUTH_CLIENT_IDS',
      'COGAUTH_TOKEN_USE',
      'COGAUTH_ISSUER',
      'COGAUTH_JWKS_URI',
      'COGAUTH_GRACE_SECONDS',
      'COGAUTH_JWKS',
      'COGAUTH_RULES',
      'COGAUTH_HTTP_API_RESPONSE',
      'COGAUTH_HTTP_API_CACHE',
    ]);
    expect(readVerifierEnvironment(env)).toEqual({ options, settings: {} });
    const read = readEnvironment(env);
    expect(read.rules).toEqual(SAMPLE_RULES);
    expect([read.httpApiResponse, read.httpApiCache, read.appSyncTtlSeconds]).toEqual(['iam', 'off', 300]);
    expect(typeof (read.verifier as { verify?: unknown }).verify).toBe('function');
  });

  it('null client id and token use are `*` and `any`; files, settings and the AppSync TTL have their variables', () => {
    const env = writeEnvironment({
      verifier: { userPoolId: POOL, clientId: null, tokenUse: null, allowInsecureHttp: true },
      verifierSettings: { jwksMaxAgeMs: 60_000, jwksOffline: true },
      rules: { file: 'rules.json' },
      jwksFile: 'jwks.json',
      httpApiResponse: 'simple',
      appSyncTtlSeconds: 60,
    });
    expect(env).toEqual({
      COGAUTH_USER_POOL_ID: POOL,
      COGAUTH_CLIENT_IDS: '*',
      COGAUTH_TOKEN_USE: 'any',
      COGAUTH_ALLOW_INSECURE_HTTP: 'true',
      COGAUTH_JWKS_FILE: 'jwks.json',
      COGAUTH_JWKS_MAX_AGE_SECONDS: '60',
      COGAUTH_JWKS_OFFLINE: 'true',
      COGAUTH_RULES_FILE: 'rules.json',
      COGAUTH_HTTP_API_RESPONSE: 'simple',
      COGAUTH_APPSYNC_TTL_SECONDS: '60',
    });
  });

  it('a list of pools, or a pool the single-pool variables cannot carry, is COGAUTH_POOLS', () => {
    const pool = { userPoolId: POOL, clientId: 'client1', tokenUse: 'access' as const };
    const one = writeEnvironment({ verifier: [pool], rules: SAMPLE_RULES });
    expect(JSON.parse(one.COGAUTH_POOLS as string)).toEqual([pool]);
    expect(one.COGAUTH_USER_POOL_ID).toBeUndefined();
    const grouped = writeEnvironment({ verifier: { ...pool, groups: ['admin'] }, rules: SAMPLE_RULES });
    expect(JSON.parse(grouped.COGAUTH_POOLS as string)).toEqual([{ ...pool, groups: ['admin'] }]);
    expect(readVerifierEnvironment(grouped).options).toEqual([{ ...pool, groups: ['admin'] }]);
  });

  it('refuses what no environment can carry, naming it', () => {
    const rules = SAMPLE_RULES;
    expect(placeOf(configError(() => writeEnvironment({ verifier: localVerifier() as never, rules })))).toBe(
      'verifier',
    );
    const check = { userPoolId: POOL, clientId: null, tokenUse: null, groups: ['a'], customCheck: () => {} };
    expect(placeOf(configError(() => writeEnvironment({ verifier: [check], rules })))).toBe(
      'verifier[0].customCheck',
    );
    const pools = [{ userPoolId: POOL, clientId: null, tokenUse: null }];
    expect(
      placeOf(configError(() => writeEnvironment({ verifier: pools, rules, jwksFile: 'jwks.json' }))),
    ).toBe('jwksFile');
  });

  it('client ids and token uses round-trip for generated lists, spaces around them included', () => {
    const id = fc.stringMatching(/^[\w+]{1,12}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(id, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('access' as const, 'id' as const, null),
        fc.integer({ min: 0, max: 300 }),
        (clientId, tokenUse, graceSeconds) => {
          const options = { userPoolId: POOL, clientId, tokenUse, graceSeconds };
          const env = writeEnvironment({ verifier: options, rules: SAMPLE_RULES });
          expect(readVerifierEnvironment(env).options).toEqual(options);
          // What a person types into a variable: the same ids with spaces around the commas.
          const spaced = { ...env, COGAUTH_CLIENT_IDS: ` ${clientId.join(' , ')} ` };
          expect(readVerifierEnvironment(spaced).options).toEqual(options);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('readEnvironment', () => {
  it('hands createAuthorizer rules it does not check again, and names the variable of a bad value', () => {
    const env = writeEnvironment({
      verifier: { userPoolId: POOL, clientId: 'client1', tokenUse: 'access' },
      rules: SAMPLE_RULES,
    });
    expect(Object.isFrozen(readEnvironment(env).rules)).toBe(true);
    const bad = configError(() => readEnvironment({ ...env, COGAUTH_CLIENT_IDS: 'client1, *' }));
    expect([bad.path, bad.detail]).toEqual([['COGAUTH_CLIENT_IDS'], '* cannot be combined with client ids']);
  });
});

import { ConfigError, type PoolAllowEntry } from '@cogauth/core';
import { App, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { describe, expect, it } from 'vitest';
import { CogauthAuthorizer, type CogauthAuthorizerProps, CogauthJwks } from '../../src/index.js';
import { authorizerEnv, configError, RULES, templateOf } from './support.js';

const ENTRY: PoolAllowEntry = {
  regions: ['eu-west-1'],
  tokenUse: 'access',
  clientId: ['1example23456789abcdefghij'],
};

function build(props: Partial<CogauthAuthorizerProps>): Stack {
  const stack = new Stack(new App(), 'Test');
  new CogauthAuthorizer(stack, 'Auth', { rules: RULES, ...props });
  return stack;
}

function refusal(props: Partial<CogauthAuthorizerProps>): ConfigError {
  return configError(() => build(props));
}

describe('allowPools', () => {
  it('writes the entries and limits through core as COGAUTH_POOL_ALLOWLIST, with no single-pool variable', () => {
    const entries: PoolAllowEntry[] = [
      {
        regions: ['eu-west-1'],
        userPoolIds: ['eu-west-1_Premium1'],
        tokenUse: 'access',
        clientId: null,
        groups: ['paid'],
      },
      { regions: ['eu-west-1', 'us-east-1'], tokenUse: 'id', clientId: null, anyAccount: true },
    ];
    const env = authorizerEnv(templateOf(build({ allowPools: entries, maxPools: 500, maxPoolFetches: 20 })));
    expect(JSON.parse(env.COGAUTH_POOL_ALLOWLIST as string)).toEqual(entries);
    expect(env.COGAUTH_MAX_POOLS).toBe('500');
    expect(env.COGAUTH_MAX_POOL_FETCHES).toBe('20');
    for (const name of ['COGAUTH_USER_POOL_ID', 'COGAUTH_CLIENT_IDS', 'COGAUTH_TOKEN_USE', 'COGAUTH_POOLS'])
      expect(env).not.toHaveProperty(name);
  });

  it('leaves the limits to the function when not given', () => {
    const env = authorizerEnv(templateOf(build({ allowPools: [ENTRY] })));
    expect(JSON.parse(env.COGAUTH_POOL_ALLOWLIST as string)).toEqual([ENTRY]);
    expect(env).not.toHaveProperty('COGAUTH_MAX_POOLS');
    expect(env).not.toHaveProperty('COGAUTH_MAX_POOL_FETCHES');
  });

  it("refuses (core's check) an entry that accepts any account's pools without saying so, naming the prop", () => {
    const err = refusal({
      allowPools: [ENTRY, { regions: ['eu-west-1'], tokenUse: 'access', clientId: null }],
    });
    expect(err.path.slice(0, 2)).toEqual(['allowPools', 1]);
    expect(err.message).toMatch(/^allowPools\[1\]/);
    expect(err.message).toContain('anyAccount');
    expect(err.message).not.toContain('COGAUTH_');
  });

  it('refuses bad entries and limits with the prop in the path', () => {
    expect(refusal({ allowPools: [{ ...ENTRY, regions: undefined }] }).path.slice(0, 2)).toEqual([
      'allowPools',
      0,
    ]);
    expect(refusal({ allowPools: [{ ...ENTRY, graceSeconds: 900 }] }).path).toEqual([
      'allowPools',
      0,
      'graceSeconds',
    ]);
    expect(refusal({ allowPools: [] }).path).toEqual(['allowPools']);
    expect(refusal({ allowPools: [ENTRY], maxPools: 0 }).path).toEqual(['maxPools']);
    expect(refusal({ allowPools: [ENTRY], maxPoolFetches: 1.5 }).path).toEqual(['maxPoolFetches']);
    const check = refusal({ allowPools: [{ ...ENTRY, customCheck: () => undefined }] });
    expect(check.path).toEqual(['allowPools', 0, 'customCheck']);
  });

  it('takes exactly one way of naming pools: both or neither is refused, naming the props', () => {
    const stack = new Stack(new App(), 'Test');
    const pool = new cognito.UserPool(stack, 'Pool');
    const both = (() => {
      try {
        new CogauthAuthorizer(stack, 'Auth', {
          userPool: pool,
          clientIds: ['c1'],
          allowPools: [ENTRY],
          rules: RULES,
        });
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(both).toBeInstanceOf(ConfigError);
    expect(both.path).toEqual(['userPool']);
    expect(both.message).toContain('allowPools');
    expect(refusal({ userPoolId: 'eu-west-1_Abc', allowPools: [ENTRY] }).path).toEqual(['userPoolId']);
    expect(refusal({ clientIds: ['c1'], allowPools: [ENTRY] }).path).toEqual(['clientIds']);
    const neither = refusal({});
    expect(neither.path).toEqual(['userPool']);
    expect(neither.message).toMatch(/userPoolId.*allowPools/);
  });

  it('refuses the props that belong to a single pool, and the limits without allowPools', () => {
    expect(refusal({ allowPools: [ENTRY], tokenUse: 'id' }).path).toEqual(['tokenUse']);
    const jwks = CogauthJwks.fromDocument({ keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }] });
    expect(refusal({ allowPools: [ENTRY], jwks }).path).toEqual(['jwks']);
    expect(refusal({ userPoolId: 'eu-west-1_Abc', clientIds: ['c1'], maxPools: 10 }).path).toEqual([
      'maxPools',
    ]);
    expect(refusal({ userPoolId: 'eu-west-1_Abc', clientIds: ['c1'], maxPoolFetches: 10 }).path).toEqual([
      'maxPoolFetches',
    ]);
  });

  it("names allowPools when the entries take Lambda's 4 KB environment", () => {
    const userPoolIds = Array.from({ length: 200 }, (_, i) => `eu-west-1_Tenant${i}`);
    const err = refusal({ allowPools: [{ ...ENTRY, userPoolIds }] });
    expect(err.path).toEqual(['allowPools']);
    expect(err.message).toMatch(/over Lambda's 4096-byte limit/);
  });

  it('refuses CloudFormation tokens in the entries: they cannot be checked at synth', () => {
    const stack = new Stack(new App(), 'Test');
    const pool = new cognito.UserPool(stack, 'Pool');
    expect(
      () =>
        new CogauthAuthorizer(stack, 'Auth', {
          allowPools: [{ ...ENTRY, userPoolIds: [pool.userPoolId] }],
          rules: RULES,
        }),
    ).toThrow(/allowPools: must be known at synth time/);
  });
});

import type { ConfigError } from '@cogauth/core';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config.js';
import { environmentOf } from '../../src/environment.js';
import { validateWithCore } from '../../src/validate.js';
import { configError } from '../helpers/config-error.js';

const ENTRY = { regions: ['eu-west-1'], tokenUse: 'access', clientId: ['1example23456789abcdefghij'] };
const RULES = [{ route: 'GET /a' }];
const base = { rules: RULES, allowPools: [ENTRY] };

/** Reads and validates as the plugin does at package time (rules in the zip) and at offline start. */
function check(config: Record<string, unknown>) {
  const settings = readSettings(config, '/nonexistent-service');
  const files = [{ name: 'rules.json', data: Buffer.from(JSON.stringify(RULES)) }];
  validateWithCore(settings, undefined, true, files);
  validateWithCore(settings, undefined, false, files);
  return settings;
}

function refusal(config: Record<string, unknown>): ConfigError {
  return configError(() => check(config));
}

describe('custom.cogauth.allowPools', () => {
  it('writes the entries and limits through core as COGAUTH_POOL_ALLOWLIST, with no single-pool variable', () => {
    const entries = [
      { regions: ['eu-west-1'], userPoolIds: ['eu-west-1_Premium1'], tokenUse: 'access', clientId: null },
      { regions: ['us-east-1'], tokenUse: 'id', clientId: null, anyAccount: true },
    ];
    // Numbers as strings too, as `${env:…}` gives them.
    const env = environmentOf(
      check({ ...base, allowPools: entries, maxPools: '500', maxPoolFetches: 20 }),
      undefined,
      true,
    );
    expect(JSON.parse(env.COGAUTH_POOL_ALLOWLIST as string)).toEqual(entries);
    expect(env.COGAUTH_MAX_POOLS).toBe('500');
    expect(env.COGAUTH_MAX_POOL_FETCHES).toBe('20');
    for (const name of ['COGAUTH_USER_POOL_ID', 'COGAUTH_CLIENT_IDS', 'COGAUTH_TOKEN_USE', 'COGAUTH_POOLS'])
      expect(env).not.toHaveProperty(name);
  });

  it('takes the entries as a JSON string (from a file or an environment variable)', () => {
    const env = environmentOf(check({ ...base, allowPools: JSON.stringify([ENTRY]) }), undefined, false);
    expect(JSON.parse(env.COGAUTH_POOL_ALLOWLIST as string)).toEqual([ENTRY]);
    expect(env).not.toHaveProperty('COGAUTH_MAX_POOLS');
  });

  it("refuses (core's check) an entry that accepts any account's pools without saying so, naming the setting", () => {
    const err = refusal({
      ...base,
      allowPools: [ENTRY, { regions: ['eu-west-1'], tokenUse: 'access', clientId: null }],
    });
    expect(err.path.slice(0, 4)).toEqual(['custom', 'cogauth', 'allowPools', 1]);
    expect(err.message).toMatch(/^custom\.cogauth\.allowPools\[1\]/);
    expect(err.message).toContain('anyAccount');
    expect(err.message).not.toContain('COGAUTH_');
  });

  it.each([
    [
      'an entry without regions or endpoint',
      { allowPools: [{ ...ENTRY, regions: undefined }] },
      'custom.cogauth.allowPools[0]',
    ],
    [
      'a grace period past 300 s',
      { allowPools: [{ ...ENTRY, graceSeconds: 900 }] },
      'custom.cogauth.allowPools[0].graceSeconds',
    ],
    ['an empty list', { allowPools: '[]' }, 'custom.cogauth.allowPools: must be a non-empty'],
    ['bad JSON', { allowPools: '[{' }, 'custom.cogauth.allowPools: is not valid JSON'],
    [
      'a reference',
      { allowPools: [{ ...ENTRY, userPoolIds: [{ Ref: 'Pool' }] }] },
      'custom.cogauth.allowPools: must be literal',
    ],
    ['maxPools 0', { maxPools: 0 }, 'custom.cogauth.maxPools: must be an integer'],
    [
      'maxPoolFetches past 10,000',
      { maxPoolFetches: 10_001 },
      'custom.cogauth.maxPoolFetches: must be an integer',
    ],
    ['with pools', { pools: [{}] }, 'custom.cogauth.pools: cannot be combined with allowPools'],
    [
      'with userPoolId',
      { userPoolId: 'eu-west-1_Abc' },
      'custom.cogauth.userPoolId: cannot be combined with allowPools',
    ],
    ['with clientIds', { clientIds: 'c1' }, 'custom.cogauth.clientIds: cannot be combined with allowPools'],
    ['with tokenUse', { tokenUse: 'id' }, 'custom.cogauth.tokenUse: cannot be combined with allowPools'],
    ['with fetchJwks', { fetchJwks: true }, 'custom.cogauth.fetchJwks: cannot be combined with allowPools'],
    [
      'with jwksFile',
      { jwksFile: 'jwks.json' },
      'custom.cogauth.jwksFile: cannot be combined with allowPools',
    ],
  ])('refuses %s', (_name, change, message) => {
    expect(refusal({ ...base, ...change }).message).toContain(message);
  });

  it('refuses the limits without allowPools', () => {
    const pool = { rules: RULES, userPoolId: 'eu-west-1_Abc', clientIds: 'c1' };
    expect(refusal({ ...pool, maxPools: 10 }).message).toContain(
      'custom.cogauth.maxPools: applies only with allowPools',
    );
    expect(refusal({ ...pool, maxPoolFetches: 10 }).message).toContain(
      'custom.cogauth.maxPoolFetches: applies only',
    );
  });

  it('refuses neither a pool nor allowPools, naming both', () => {
    expect(refusal({ rules: RULES }).message).toMatch(/custom\.cogauth\.userPoolId: is required.*allowPools/);
  });
});

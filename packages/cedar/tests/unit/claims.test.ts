import { VerifyError } from '@cogauth/core';
import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import { accessClaims, idClaims, POOL } from '../helpers/store.js';

const GET_USERS = { method: 'GET', path: '/users' } as const;

describe('token claims never become entity references or extension values', () => {
  const engine = loadCedar({
    policies: `permit (principal, action == MyApi::Action::"get /users", resource)
      when { principal has boss && principal.boss == MyApi::User::"${POOL}|root" };
      permit (principal, action == MyApi::Action::"get /reports", resource)
      when { principal has profile && principal.profile has manager && principal.profile.manager == MyApi::User::"${POOL}|root" };
      permit (principal, action == MyApi::Action::"get /ips", resource)
      when { principal has ip && principal.ip == ip("10.0.0.1") };`,
  });

  it('a claim {"__entity": …} (e.g. from a pre token generation trigger) is dropped, not read as a user', () => {
    const forged = idClaims('mallory', [], {
      boss: { __entity: { type: 'MyApi::User', id: `${POOL}|root` } },
    });
    expect(engine.decide(forged, GET_USERS).allowed).toBe(false);
    const nested = idClaims('mallory', [], {
      profile: { manager: { __entity: { type: 'MyApi::User', id: `${POOL}|root` } } },
    });
    expect(engine.decide(nested, { method: 'GET', path: '/reports' }).allowed).toBe(false);
    const extension = idClaims('mallory', [], { ip: { __extn: { fn: 'ip', arg: '10.0.0.1' } } });
    expect(engine.decide(extension, { method: 'GET', path: '/ips' }).allowed).toBe(false);
  });

  it('the string a claim holds stays a string', () => {
    const text = idClaims('m', [], { boss: `MyApi::User::"${POOL}|root"` });
    expect(engine.decide(text, GET_USERS).allowed).toBe(false);
  });
});

describe('claims Verified Permissions has no value for', () => {
  const engine = loadCedar({
    policies: `permit (principal, action == MyApi::Action::"get /users", resource) when { principal has level && principal.level >= 3 };`,
  });

  it('fractions and integers beyond 2^53 are dropped (Cedar longs are integers); safe integers pass', () => {
    expect(engine.decide(idClaims('a', [], { level: 3 }), GET_USERS).allowed).toBe(true);
    expect(engine.decide(idClaims('a', [], { level: 3.5 }), GET_USERS).allowed).toBe(false);
    expect(engine.decide(idClaims('a', [], { level: 2 ** 60 }), GET_USERS).allowed).toBe(false);
    expect(engine.decide(idClaims('a', [], { level: '3' }), GET_USERS).allowed).toBe(false);
  });

  it('claims without sub or a pool are CLAIM_INVALID: decide answers, permitted throws VerifyError', () => {
    const noSub = Object.freeze({ ...accessClaims('x', []), sub: '' });
    expect(engine.decide(noSub as never, GET_USERS)).toEqual({
      allowed: false,
      reason: 'CLAIM_INVALID',
      actions: ['get /users'],
      perRequest: false,
    });
    expect(() => engine.permitted(noSub as never)).toThrow(VerifyError);
    const noIss = Object.freeze({ ...accessClaims('x', []), iss: undefined });
    expect(engine.decide(noIss as never, GET_USERS).reason).toBe('CLAIM_INVALID');
  });

  it('userPoolId replaces the pool taken from iss', () => {
    const fixed = loadCedar({
      userPoolId: 'eu-west-1_Other',
      policies:
        'permit (principal in MyApi::UserGroup::"eu-west-1_Other|g", action == MyApi::Action::"get /users", resource);',
    });
    expect(fixed.permitted(accessClaims('a', ['g'])).principal).toBe('eu-west-1_Other|a');
    expect(fixed.decide(accessClaims('a', ['g']), GET_USERS).allowed).toBe(true);
  });
});

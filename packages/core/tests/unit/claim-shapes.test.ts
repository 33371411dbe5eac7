// Claim shapes Cognito never issues, signed with the pool's own key: each of the four rules holds for
// every generated shape, and the cases the differential fuzz against aws-jwt-verify found are refused.
import { cognitoAccessClaims, cognitoIdClaims, signJwt } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCognitoVerifier, VerifyError, type VerifyErrorCode } from '../../src/index.js';
import { jwksOf, key, POOL_ID } from '../helpers/fixtures.js';

const signer = key('ES256'); // cheap to sign with: these tests mint hundreds of tokens
const ALLOWED = ['client1', 'client2'];
const runs = { numRuns: 200 };
// A fixed clock half-way through a second, so an integer time claim is never on the boundary by chance.
const NOW_MS = 1_780_000_000_500;
const NOW = Math.floor(NOW_MS / 1000);

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW_MS);
});
afterAll(() => {
  vi.useRealTimers();
});

const verifierOf = (tokenUse: 'access' | 'id', graceSeconds = 0) =>
  createCognitoVerifier(
    { userPoolId: POOL_ID, tokenUse, clientId: ALLOWED, graceSeconds, jwks: jwksOf(signer) },
    { cache: false },
  );
const access = verifierOf('access');
const id = verifierOf('id');

const accessToken = (overrides: Record<string, unknown>) =>
  signJwt(cognitoAccessClaims({ poolId: POOL_ID, clientId: 'client1', now: NOW, overrides }), signer);
const idToken = (overrides: Record<string, unknown>) =>
  signJwt(cognitoIdClaims({ poolId: POOL_ID, clientId: 'client1', now: NOW, overrides }), signer);

/** The VerifyError code `verifySync` refuses with, or 'ACCEPTED'. Anything else thrown fails the test. */
function outcome(verifier: typeof access, token: string): VerifyErrorCode | 'ACCEPTED' {
  try {
    verifier.verifySync(token);
    return 'ACCEPTED';
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error;
    return error.code;
  }
}

/** Any JSON value, weighted towards the shapes a rule has to tell apart: strings and arrays of strings. */
const jsonShape = fc.oneof(
  fc.jsonValue(),
  fc.string(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
);
const isStringArray = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

describe('jti and origin_jti: a string when present', () => {
  it('any JSON value: accepted exactly when it is a string', () => {
    fc.assert(
      fc.property(fc.constantFrom('jti', 'origin_jti'), jsonShape, fc.boolean(), (claim, value, isId) => {
        const token = (isId ? idToken : accessToken)({ [claim]: value });
        const want = typeof value === 'string' ? 'ACCEPTED' : 'CLAIM_INVALID';
        expect(outcome(isId ? id : access, token), JSON.stringify(value)).toBe(want);
      }),
      runs,
    );
  });

  it('the fuzz cases: 5, {} and null are refused; absent is fine', () => {
    for (const jti of [5, {}, null, ['a'], true])
      expect(outcome(access, accessToken({ jti })), JSON.stringify(jti)).toBe('CLAIM_INVALID');
    expect(outcome(access, accessToken({ jti: undefined, origin_jti: undefined }))).toBe('ACCEPTED');
  });
});

describe('aud: a string or an array of strings', () => {
  it('on an access token, any JSON value: accepted exactly when it is one of those shapes', () => {
    fc.assert(
      fc.property(jsonShape, (aud) => {
        const want = typeof aud === 'string' || isStringArray(aud) ? 'ACCEPTED' : 'CLAIM_INVALID';
        expect(outcome(access, accessToken({ aud })), JSON.stringify(aud)).toBe(want);
      }),
      runs,
    );
  });

  it('the fuzz cases: an access token with aud {}, 5, null or [1] is refused', () => {
    for (const aud of [{}, 5, null, [1], ['ok', 2]])
      expect(outcome(access, accessToken({ aud })), JSON.stringify(aud)).toBe('CLAIM_INVALID');
    expect(outcome(id, idToken({ aud: { client1: true } }))).toBe('CLAIM_INVALID');
  });
});

describe('an ID token names allowed clients only (OpenID Connect Core 3.1.3.7)', () => {
  const names = fc.constantFrom('client1', 'client2', 'clientZ', 'CLIENT1', 'client1 ', '');
  it('any audience made of allowed and untrusted clients: accepted exactly when all are allowed', () => {
    fc.assert(
      fc.property(fc.oneof(names, fc.array(names, { maxLength: 4 })), (aud) => {
        const list = typeof aud === 'string' ? [aud] : aud;
        const trusted = list.length > 0 && list.every((a) => ALLOWED.includes(a));
        expect(outcome(id, idToken({ aud })), JSON.stringify(aud)).toBe(
          trusted ? 'ACCEPTED' : 'AUDIENCE_INVALID',
        );
      }),
      runs,
    );
  });

  it('the fuzz case ["clientZ","client1"] is refused; ["client1","client2"] and "client1" are not', () => {
    expect(outcome(id, idToken({ aud: ['clientZ', 'client1'] }))).toBe('AUDIENCE_INVALID');
    expect(outcome(id, idToken({ aud: ['client1', 'clientZ'] }))).toBe('AUDIENCE_INVALID');
    expect(outcome(id, idToken({ aud: [] }))).toBe('AUDIENCE_INVALID');
    expect(outcome(id, idToken({ aud: ['client1', 'client2'] }))).toBe('ACCEPTED');
    expect(outcome(id, idToken({ aud: 'client1' }))).toBe('ACCEPTED');
  });

  it('clientId: null skips the client check, extra audiences included', () => {
    const any = createCognitoVerifier({
      userPoolId: POOL_ID,
      tokenUse: 'id',
      clientId: null,
      jwks: jwksOf(signer),
    });
    expect(outcome(any, idToken({ aud: ['clientZ', 'client1'] }))).toBe('ACCEPTED');
  });
});

describe('clock skew: iat and nbf up to max(60, graceSeconds) s ahead, no further', () => {
  const graces = [0, 30, 60, 61, 120, 300];
  const verifiers = new Map(graces.map((g) => [g, verifierOf('access', g)]));
  it('any offset, any grace: accepted exactly when the claim is at most that far ahead', () => {
    const offsetNear = (bound: number) =>
      fc.oneof(fc.integer({ min: -600, max: 600 }), fc.integer({ min: bound - 3, max: bound + 3 }));
    fc.assert(
      fc.property(
        fc.constantFrom('nbf', 'iat'),
        fc
          .constantFrom(...graces)
          .chain((grace) => fc.tuple(fc.constant(grace), offsetNear(Math.max(60, grace)))),
        (claim, [grace, offset]) => {
          const token = accessToken({ [claim]: NOW + offset, exp: NOW + 3600 });
          const want = offset <= Math.max(60, grace) ? 'ACCEPTED' : 'TOKEN_NOT_YET_VALID';
          expect(
            outcome(verifiers.get(grace) as typeof access, token),
            `${claim} ${offset} grace ${grace}`,
          ).toBe(want);
        },
      ),
      runs,
    );
  });

  it('the fuzz case: nbf 60 s ahead is accepted (clock skew), 61 s ahead refused', () => {
    expect(outcome(access, accessToken({ nbf: NOW + 60 }))).toBe('ACCEPTED');
    expect(outcome(access, accessToken({ nbf: NOW + 61 }))).toBe('TOKEN_NOT_YET_VALID');
  });
});

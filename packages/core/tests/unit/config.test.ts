import { jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import {
  type CognitoVerifierOptions,
  createCognitoVerifier,
  type VerifierSettings,
} from '../../src/index.js';
import { configError, expectCode, placeOf } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, POOL_ID } from '../helpers/fixtures.js';

const base: CognitoVerifierOptions = { userPoolId: POOL_ID, tokenUse: 'access', clientId: CLIENT_ID };

describe('configuration errors name the field, at creation', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['malformed pool id', { userPoolId: 'us-east-1' }, 'userPoolId'],
    ['pool id with a bad character', { userPoolId: 'us-east-1_ab/c' }, 'userPoolId'],
    ['pool id that is not a string', { userPoolId: 42 }, 'userPoolId'],
    ['pool id without an AWS region and no issuer', { userPoolId: 'local_abc' }, 'userPoolId'],
    ['issuer that is not a URL', { issuer: 'cognito' }, 'issuer'],
    ['issuer with another protocol', { issuer: 'ftp://127.0.0.1/pool' }, 'issuer'],
    ['issuer list with a bad entry', { issuer: ['https://a.example/p', ''] }, 'issuer[1]'],
    ['empty issuer list', { issuer: [] }, 'issuer'],
    ['jwksUri with credentials', { jwksUri: 'https://u:p@example.com/jwks.json' }, 'jwksUri'],
    ['jwksUri that is a file', { jwksUri: 'file:///etc/passwd' }, 'jwksUri'],
    ['issuer with whitespace', { issuer: 'http://127.0.0.1:9229/pool x' }, 'issuer'],
    ['jwksUri with whitespace', { jwksUri: 'https://example.com/jwks .json' }, 'jwksUri'],
    ['missing tokenUse', { tokenUse: undefined }, 'tokenUse'],
    ['unknown tokenUse', { tokenUse: 'refresh' }, 'tokenUse'],
    ['missing clientId', { clientId: undefined }, 'clientId'],
    ['empty clientId', { clientId: '' }, 'clientId'],
    ['empty clientId list', { clientId: [] }, 'clientId'],
    ['empty groups list', { groups: [] }, 'groups'],
    ['non-string scope', { scopes: ['a', 3] }, 'scopes[1]'],
    ['negative grace', { graceSeconds: -1 }, 'graceSeconds'],
    ['grace as a string', { graceSeconds: '5' }, 'graceSeconds'],
    ['jwks that is not a JWKS', { jwks: [] }, 'jwks'],
    ['jwks key without kid', { jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] } }, 'jwks.keys[0].kid'],
    [
      'jwks key of an unsupported type',
      { jwks: { keys: [{ kty: 'oct', kid: 'a', k: 'c2VjcmV0' }] } },
      'jwks.keys[0]',
    ],
    ['misspelled option', { userpoolId: POOL_ID }, 'userpoolId'],
    ['no pool id and no issuer', { userPoolId: undefined }, 'userPoolId'],
    ['ISO region pool id', { userPoolId: 'us-iso-east-1_AbC123' }, 'userPoolId'],
    ['audience that is not a string', { audience: 42 }, 'audience'],
    ['customCheck that is not a function', { customCheck: 'x' }, 'customCheck'],
  ])('%s', (_name, patch, field) => {
    const error = configError(() => createCognitoVerifier({ ...base, ...patch } as CognitoVerifierOptions));
    expect(placeOf(error)).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['cache size 0', { cache: { maxEntries: 0 } }, 'settings.cache.maxEntries'],
    ['cache as a number', { cache: 5 }, 'settings.cache'],
    ['timeout as a string', { jwksTimeoutMs: '3000' }, 'settings.jwksTimeoutMs'],
    ['negative penalty', { jwksPenaltyMs: -1 }, 'settings.jwksPenaltyMs'],
    ['unknown setting', { cacheSize: 3 }, 'settings.cacheSize'],
    ['max age 0', { jwksMaxAgeMs: 0 }, 'settings.jwksMaxAgeMs'],
    ['max age as a string', { jwksMaxAgeMs: '3600000' }, 'settings.jwksMaxAgeMs'],
    ['offline as a string', { jwksOffline: 'true' }, 'settings.jwksOffline'],
  ])('settings: %s', (_name, settings, field) => {
    expect(placeOf(configError(() => createCognitoVerifier(base, settings as VerifierSettings)))).toBe(field);
  });

  it('names the pool index for several pools', () => {
    const error = configError(() => createCognitoVerifier([base, { ...base, userPoolId: 'nope' }]));
    expect(placeOf(error)).toBe('options[1].userPoolId');
    expect(placeOf(configError(() => createCognitoVerifier([])))).toBe('options');
    expect(placeOf(configError(() => createCognitoVerifier([base, base])))).toBe('options[1].issuer');
  });

  it('accepts a valid configuration without any network call', () => {
    expect(() => createCognitoVerifier(base)).not.toThrow();
    expect(() =>
      createCognitoVerifier({ ...base, userPoolId: 'us-gov-west-1_AbC123', graceSeconds: 5 }),
    ).not.toThrow();
  });
});

describe('userPoolId: undefined is absent', () => {
  it('an issuer alone configures the pool', async () => {
    const issuer = 'http://127.0.0.1:9229/local_4vYH1bWa';
    const verifier = createCognitoVerifier({ ...base, userPoolId: undefined, issuer, jwks: jwksOf(key()) });
    await expect(verifier.verify(accessToken(key(), { issuer }))).resolves.toMatchObject({ iss: issuer });
  });
});

describe('every partition, both issuer formats (from cognito.ts)', () => {
  it.each([
    ['us-east-1_AbC123', 'us-east-1.amazonaws.com'],
    ['cn-north-1_AbC123', 'cn-north-1.amazonaws.com.cn'],
    ['us-gov-west-1_AbC123', 'us-gov-west-1.amazonaws.com'],
    ['eusc-de-east-1_AbC123', 'eusc-de-east-1.amazonaws.eu'],
  ])('%s', async (userPoolId, host) => {
    const verifier = createCognitoVerifier({ ...base, userPoolId, jwks: jwksOf(key()) });
    for (const prefix of ['cognito-idp', 'issuer-cognito-idp']) {
      const issuer = `https://${prefix}.${host}/${userPoolId}`;
      await expect(verifier.verify(accessToken(key(), { issuer }))).resolves.toMatchObject({ iss: issuer });
    }
    const foreign = `https://cognito-idp.${host}.evil.example/${userPoolId}`;
    await expectCode(() => verifier.verify(accessToken(key(), { issuer: foreign })), 'ISSUER_INVALID');
  });
});

describe('derived endpoints', () => {
  it('fetches <issuer>/.well-known/jwks.json from the issuer when no jwksUri is given', async () => {
    const server = await startJwksServer({ jwks: jwksOf(key()), poolId: POOL_ID });
    try {
      const verifier = createCognitoVerifier({ ...base, issuer: server.issuer });
      const claims = await verifier.verify(accessToken(key(), { issuer: server.issuer }));
      expect(claims.iss).toBe(server.issuer);
      expect(server.jwksRequestCount()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('derives an https issuer, so an http token issuer is refused unless configured explicitly', async () => {
    const verifier = createCognitoVerifier({ ...base, jwks: jwksOf(key()) });
    const http = `http://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
    await expectCode(() => verifier.verify(accessToken(key(), { issuer: http })), 'ISSUER_INVALID');
    // An http issuer on a host that is not loopback also needs the opt-in that names the risk.
    expect(placeOf(configError(() => createCognitoVerifier({ ...base, issuer: http })))).toBe('issuer');
    const explicit = createCognitoVerifier({
      ...base,
      issuer: http,
      allowInsecureHttp: true,
      jwks: jwksOf(key()),
    });
    await expect(explicit.verify(accessToken(key(), { issuer: http }))).resolves.toBeDefined();
  });
});

describe('several pools', () => {
  it("picks the pool by the token's iss and applies that pool's keys and rules", async () => {
    const a = await startJwksServer({ jwks: jwksOf(key('RS256', 'a')), poolId: 'us-east-1_PoolA' });
    const b = await startJwksServer({ jwks: jwksOf(key('ES256', 'b')), poolId: 'eu-west-1_PoolB' });
    try {
      const verifier = createCognitoVerifier([
        { userPoolId: 'us-east-1_PoolA', issuer: a.issuer, tokenUse: 'access', clientId: 'client-a' },
        { userPoolId: 'eu-west-1_PoolB', issuer: b.issuer, tokenUse: 'id', clientId: 'client-b' },
      ]);
      const tokenA = accessToken(key('RS256', 'a'), { issuer: a.issuer, clientId: 'client-a' });
      const tokenB = signIdB();
      function signIdB() {
        return accessToken(key('ES256', 'b'), {
          issuer: b.issuer,
          overrides: { token_use: 'id', aud: 'client-b', client_id: undefined },
        });
      }
      await expect(verifier.verify(tokenA)).resolves.toMatchObject({ iss: a.issuer });
      await expect(verifier.verify(tokenB)).resolves.toMatchObject({ iss: b.issuer });
      // Pool A's rules do not leak to pool B: an access token for B fails B's tokenUse.
      await expectCode(
        () => verifier.verify(accessToken(key('ES256', 'b'), { issuer: b.issuer, clientId: 'client-b' })),
        'TOKEN_USE_INVALID',
      );
      // A token claiming pool B's issuer but signed with pool A's key: B's JWKS has no such kid.
      await expectCode(
        () => verifier.verify(accessToken(key('RS256', 'a'), { issuer: b.issuer, clientId: 'client-b' })),
        'KID_UNKNOWN',
      );
      expect(a.jwksRequestCount()).toBe(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

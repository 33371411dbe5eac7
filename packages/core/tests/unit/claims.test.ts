import { cognitoAccessClaims, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, ISSUER, idToken, key, localVerifier, POOL_ID } from '../helpers/fixtures.js';

const now = () => Math.floor(Date.now() / 1000);
const withClaims = (overrides: Record<string, unknown>) =>
  signJwt(cognitoAccessClaims({ poolId: POOL_ID, overrides }), key());

describe('time claims', () => {
  const verifier = localVerifier();

  it('requires exp, as a number', async () => {
    for (const exp of [undefined, '9999999999', null, Number.NaN, [1]]) {
      const token = withClaims({ exp });
      await expectCode(() => verifier.verify(token), 'CLAIM_INVALID', token);
    }
  });

  it('rejects an expired token, and honours graceSeconds', async () => {
    const token = withClaims({ exp: now() - 5 });
    await expectCode(() => verifier.verify(token), 'TOKEN_EXPIRED', token);
    await expectCode(() => localVerifier({ graceSeconds: 2 }).verify(token), 'TOKEN_EXPIRED', token);
    await expect(localVerifier({ graceSeconds: 30 }).verify(token)).resolves.toBeDefined();
  });

  it('rejects exp equal to now (a token is valid strictly before exp)', async () => {
    const token = withClaims({ exp: now() });
    await expectCode(() => verifier.verify(token), 'TOKEN_EXPIRED', token);
  });

  it('tolerates a lagging clock: iat and nbf up to 60 s ahead verify with default settings', async () => {
    for (const ahead of [1, 2, 30, 59]) {
      await expect(verifier.verify(withClaims({ iat: now() + ahead }))).resolves.toBeDefined();
      await expect(verifier.verify(withClaims({ nbf: now() + ahead }))).resolves.toBeDefined();
    }
    // exp gets no such tolerance.
    await expectCode(() => verifier.verify(withClaims({ exp: now() - 1 })), 'TOKEN_EXPIRED');
  });

  it('rejects nbf in the future beyond the skew tolerance or grace', async () => {
    const token = withClaims({ nbf: now() + 120 });
    await expectCode(() => verifier.verify(token), 'TOKEN_NOT_YET_VALID', token);
    await expect(localVerifier({ graceSeconds: 180 }).verify(token)).resolves.toBeDefined();
    await expectCode(() => verifier.verify(withClaims({ nbf: 'soon' })), 'CLAIM_INVALID');
  });

  it('rejects iat in the future beyond the skew tolerance or grace', async () => {
    const token = withClaims({ iat: now() + 120 });
    await expectCode(() => verifier.verify(token), 'TOKEN_NOT_YET_VALID', token);
    await expect(localVerifier({ graceSeconds: 180 }).verify(token)).resolves.toBeDefined();
    const hourAhead = withClaims({ iat: now() + 3600 });
    await expectCode(() => verifier.verify(hourAhead), 'TOKEN_NOT_YET_VALID', hourAhead);
    await expectCode(() => verifier.verify(withClaims({ iat: '1' })), 'CLAIM_INVALID');
  });
});

describe('issuer', () => {
  it('accepts both Cognito issuer hosts derived from the pool id', async () => {
    const verifier = localVerifier();
    const newer = `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`;
    await expect(verifier.verify(accessToken(key(), { issuer: ISSUER }))).resolves.toMatchObject({
      iss: ISSUER,
    });
    await expect(verifier.verify(accessToken(key(), { issuer: newer }))).resolves.toMatchObject({
      iss: newer,
    });
  });

  it('requires an exact match', async () => {
    const verifier = localVerifier();
    for (const issuer of [
      `${ISSUER}/`,
      ISSUER.toUpperCase(),
      ISSUER.replace('https:', 'http:'),
      ISSUER.replace('us-east-1', 'us-west-2'),
      `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other`,
      `${ISSUER}.evil.example`,
    ]) {
      const token = accessToken(key(), { issuer });
      await expectCode(() => verifier.verify(token), 'ISSUER_INVALID', token);
    }
    await expectCode(() => verifier.verify(withClaims({ iss: undefined })), 'ISSUER_INVALID');
    await expectCode(() => verifier.verify(withClaims({ iss: [ISSUER] })), 'ISSUER_INVALID');
  });

  it('uses only the configured issuer when one is given', async () => {
    const custom = 'http://127.0.0.1:9229/local_abc';
    const verifier = localVerifier({ userPoolId: 'local_abc', issuer: custom });
    await expect(verifier.verify(accessToken(key(), { issuer: custom }))).resolves.toBeDefined();
    await expectCode(() => verifier.verify(accessToken(key(), { issuer: ISSUER })), 'ISSUER_INVALID');
  });
});

describe('token_use and client', () => {
  it('enforces tokenUse', async () => {
    await expectCode(() => localVerifier({ tokenUse: 'access' }).verify(idToken()), 'TOKEN_USE_INVALID');
    await expectCode(() => localVerifier({ tokenUse: 'id' }).verify(accessToken()), 'TOKEN_USE_INVALID');
    await expect(localVerifier({ tokenUse: 'id' }).verify(idToken())).resolves.toMatchObject({
      token_use: 'id',
    });
    const any = localVerifier({ tokenUse: null });
    await expect(any.verify(idToken())).resolves.toBeDefined();
    await expect(any.verify(accessToken())).resolves.toBeDefined();
  });

  it('requires token_use to be access or id even when tokenUse is null', async () => {
    for (const token_use of [undefined, 'refresh', 'ACCESS', 1]) {
      await expectCode(
        () => localVerifier({ tokenUse: null }).verify(withClaims({ token_use })),
        'TOKEN_USE_INVALID',
      );
    }
  });

  it('checks client_id for access tokens and aud for id tokens', async () => {
    const access = localVerifier({ tokenUse: 'access', clientId: ['other', CLIENT_ID] });
    await expect(access.verify(accessToken())).resolves.toBeDefined();
    await expectCode(() => access.verify(accessToken(key(), { clientId: 'intruder' })), 'AUDIENCE_INVALID');
    // An access token carrying a matching `aud` but a foreign client_id is still refused.
    await expectCode(
      () => access.verify(accessToken(key(), { clientId: 'intruder', overrides: { aud: CLIENT_ID } })),
      'AUDIENCE_INVALID',
    );

    const id = localVerifier({ tokenUse: 'id', clientId: CLIENT_ID });
    await expect(id.verify(idToken())).resolves.toMatchObject({ aud: CLIENT_ID });
    await expectCode(() => id.verify(idToken(key(), { clientId: 'intruder' })), 'AUDIENCE_INVALID');
    const both = localVerifier({ tokenUse: null, clientId: CLIENT_ID });
    await expectCode(
      () =>
        both.verify(
          signJwt(
            {
              ...(cognitoAccessClaims({ poolId: POOL_ID }) as object),
              token_use: 'id',
              client_id: CLIENT_ID,
              aud: 'x',
            },
            key(),
          ),
        ),
      'AUDIENCE_INVALID',
    );
  });

  it('skips the client check only when clientId is null', async () => {
    await expect(
      localVerifier({ clientId: null }).verify(accessToken(key(), { clientId: 'anything' })),
    ).resolves.toBeDefined();
  });
});

describe('groups and scopes', () => {
  it('groups: any-of on cognito:groups', async () => {
    const verifier = localVerifier({ groups: ['admin', 'writers'] });
    await expect(
      verifier.verify(accessToken(key(), { groups: ['readers', 'writers'] })),
    ).resolves.toBeDefined();
    await expectCode(() => verifier.verify(accessToken(key(), { groups: ['readers'] })), 'GROUP_NOT_ALLOWED');
    await expectCode(() => verifier.verify(accessToken(key(), { groups: [] })), 'GROUP_NOT_ALLOWED');
    await expectCode(() => verifier.verify(withClaims({ 'cognito:groups': undefined })), 'GROUP_NOT_ALLOWED');
    // A string is not an array: "admin,writers" must not match by substring.
    await expectCode(() => verifier.verify(withClaims({ 'cognito:groups': 'admin' })), 'CLAIM_INVALID');
  });

  it('scopes: any-of on the space-separated scope claim', async () => {
    const verifier = localVerifier({ scopes: 'messages/write' });
    await expect(
      verifier.verify(accessToken(key(), { scope: 'openid messages/write' })),
    ).resolves.toBeDefined();
    await expectCode(
      () => verifier.verify(accessToken(key(), { scope: 'openid messages/writer' })),
      'SCOPE_NOT_ALLOWED',
    );
    await expectCode(
      () => verifier.verify(accessToken(key(), { scope: 'messages/write-all' })),
      'SCOPE_NOT_ALLOWED',
    );
    await expectCode(() => verifier.verify(withClaims({ scope: undefined })), 'SCOPE_NOT_ALLOWED');
    await expectCode(() => verifier.verify(withClaims({ scope: ['messages/write'] })), 'CLAIM_INVALID');
  });
});

describe('result', () => {
  it('returns the claims, frozen', async () => {
    const claims = await localVerifier().verify(accessToken(key(), { username: 'bob', groups: ['writers'] }));
    expect(claims).toMatchObject({
      username: 'bob',
      client_id: CLIENT_ID,
      iss: ISSUER,
      'cognito:groups': ['writers'],
    });
    expect(Object.isFrozen(claims)).toBe(true);
    expect(Object.isFrozen(claims['cognito:groups'])).toBe(true);
  });

  it('verifySync gives the same answers without a promise', () => {
    const verifier = localVerifier({ jwks: jwksOf(key()) });
    expect(verifier.verifySync(accessToken()).token_use).toBe('access');
    expect(() => verifier.verifySync(withClaims({ exp: now() - 1 }))).toThrow(/expired/);
  });
});

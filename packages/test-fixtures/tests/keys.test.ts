import { createHmac, createPublicKey, verify } from 'node:crypto';
import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  cognitoAccessClaims,
  cognitoIdClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  TEST_ALGS,
  type TestAlg,
} from '../src/index.js';

const DIGEST: Record<TestAlg, string> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
};

function split(token: string) {
  const [h, p, s] = token.split('.');
  if (h === undefined || p === undefined || s === undefined) throw new Error('not a compact JWS');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
    rawSignature: s,
  };
}

function verifyWithJwk(token: string, alg: TestAlg, jwk: object): boolean {
  const { signingInput, signature } = split(token);
  const key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  return verify(
    DIGEST[alg],
    Buffer.from(signingInput),
    alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key,
    signature,
  );
}

describe('generateTestKey + signJwt', () => {
  for (const alg of TEST_ALGS) {
    it(`${alg}: signature verifies with node:crypto against the published JWK, and fails when tampered`, async () => {
      const key = generateTestKey({ alg, kid: `kid-${alg}` });
      expect(key.publicJwk).toMatchObject({ kid: `kid-${alg}`, alg, use: 'sig' });
      expect(key.publicJwk).not.toHaveProperty('d');
      const token = signJwt({ sub: 'u1', n: 1 }, key);
      const parts = split(token);
      expect(parts.header).toEqual({ alg, typ: 'JWT', kid: `kid-${alg}` });
      expect(parts.payload).toEqual({ sub: 'u1', n: 1 });
      expect(verifyWithJwk(token, alg, key.publicJwk)).toBe(true);

      const tampered = signJwt({ sub: 'u1', n: 2 }, key, {}, { rawSignature: parts.rawSignature });
      expect(verifyWithJwk(tampered, alg, key.publicJwk)).toBe(false);
      const otherKey = generateTestKey({ alg });
      expect(verifyWithJwk(token, alg, otherKey.publicJwk)).toBe(false);

      // An independent implementation agrees.
      const { payload } = await jwtVerify(token, await importJWK(key.publicJwk, alg), { algorithms: [alg] });
      expect(payload.sub).toBe('u1');
    });
  }

  it('ECDSA signatures are raw r||s of the curve size', () => {
    expect(split(signJwt({}, generateTestKey({ alg: 'ES256' }))).signature.length).toBe(64);
    expect(split(signJwt({}, generateTestKey({ alg: 'ES384' }))).signature.length).toBe(96);
    expect(split(signJwt({}, generateTestKey({ alg: 'ES512' }))).signature.length).toBe(132);
  });

  it('honours modulusLength for RSA', () => {
    const key = generateTestKey({ alg: 'RS256', modulusLength: 3072 });
    expect(Buffer.from(String(key.publicJwk.n), 'base64url').length).toBe(384);
  });

  it('header overrides: extra fields, removal with undefined, alg none, HS256 and raw segments', () => {
    const key = generateTestKey();
    const withJku = split(signJwt({}, key, { jku: 'http://evil.test/jwks', crit: ['exp'] }));
    expect(withJku.header).toMatchObject({
      alg: 'RS256',
      kid: key.kid,
      jku: 'http://evil.test/jwks',
      crit: ['exp'],
    });

    const noKid = split(signJwt({}, key, { kid: undefined, typ: undefined }));
    expect(noKid.header).toEqual({ alg: 'RS256' });

    const none = signJwt({ sub: 'x' }, key, { alg: 'none' });
    expect(none.endsWith('.')).toBe(true);
    expect(split(none).header.alg).toBe('none');

    const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const hs = signJwt({ sub: 'x' }, key, { alg: 'HS256' }, { hmacSecret: pem });
    const hsParts = split(hs);
    const expected = createHmac('sha256', pem).update(hsParts.signingInput).digest();
    expect(hsParts.signature.equals(expected)).toBe(true);
    expect(() => signJwt({}, key, { alg: 'HS256' })).toThrow(/hmacSecret/);

    const raw = signJwt({}, key, {}, { rawHeader: '{"alg":"RS256","alg":"none"}', rawSignature: 'AAAA' });
    expect(Buffer.from(raw.split('.')[0] ?? '', 'base64url').toString()).toBe('{"alg":"RS256","alg":"none"}');
    expect(raw.split('.')[2]).toBe('AAAA');
  });

  it('jwksOf lists every public JWK and copies them', () => {
    const a = generateTestKey({ kid: 'a' });
    const b = generateTestKey({ alg: 'ES256', kid: 'b' });
    const jwks = jwksOf(a, b);
    expect(jwks.keys.map((k) => k.kid)).toEqual(['a', 'b']);
    expect(jwks.keys[1]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    const first = jwks.keys[0];
    if (first) first.kid = 'changed';
    expect(first?.kid).toBe('changed');
    expect(a.publicJwk.kid).toBe('a');
  });
});

describe('Cognito-shaped claims', () => {
  it('access claims carry Cognito access-token fields and honour options and overrides', () => {
    const c = cognitoAccessClaims({
      poolId: 'eu-west-1_Abc',
      region: 'eu-west-1',
      clientId: 'cid',
      username: 'bob',
      groups: ['writers'],
      scope: 'openid messages/read',
      now: 1000,
      ttlSeconds: 60,
      overrides: { jti: 'fixed', event_id: undefined },
    });
    expect(c).toMatchObject({
      iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc',
      token_use: 'access',
      client_id: 'cid',
      username: 'bob',
      'cognito:groups': ['writers'],
      scope: 'openid messages/read',
      iat: 1000,
      auth_time: 1000,
      exp: 1060,
      jti: 'fixed',
    });
    expect(c).not.toHaveProperty('aud');
    expect(c).not.toHaveProperty('event_id');
    expect(typeof c.sub).toBe('string');
    expect(typeof c.origin_jti).toBe('string');
  });

  it('id claims carry aud, cognito:username and email; default iat is now', () => {
    const before = Math.floor(Date.now() / 1000);
    const c = cognitoIdClaims({ issuer: 'http://127.0.0.1:1/p', clientId: 'cid', email: 'a@b.test' });
    expect(c).toMatchObject({
      iss: 'http://127.0.0.1:1/p',
      token_use: 'id',
      aud: 'cid',
      'cognito:username': 'alice',
      email: 'a@b.test',
      email_verified: true,
    });
    expect(c).not.toHaveProperty('client_id');
    expect(c).not.toHaveProperty('scope');
    expect(c).not.toHaveProperty('cognito:groups');
    expect(c.iat).toBeGreaterThanOrEqual(before);
    expect(c.exp).toBe((c.iat as number) + 3600);
  });
});

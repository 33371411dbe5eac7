import {
  cognitoAccessClaims,
  generateTestKey,
  jwksOf,
  signJwt,
  startJwksServer,
  TEST_ALGS,
} from '@cogauth/test-fixtures';
import { describe, expect, it } from 'vitest';
import { ConfigError, createCognitoVerifier } from '../../src/index.js';
import { expectCode, placeOf } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, localVerifier, POOL_ID } from '../helpers/fixtures.js';

describe('algorithms', () => {
  it.each(TEST_ALGS)('accepts %s with a matching key', async (alg) => {
    const verifier = localVerifier({ jwks: jwksOf(key(alg)) });
    await expect(verifier.verify(accessToken(key(alg)))).resolves.toMatchObject({ token_use: 'access' });
  });

  it('rejects alg none, HS*, PS* and unknown algs before fetching any key', async () => {
    const server = await startJwksServer({ jwks: jwksOf(key()), poolId: POOL_ID });
    try {
      const verifier = createCognitoVerifier({
        userPoolId: POOL_ID,
        issuer: `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`,
        jwksUri: server.jwksUrl,
        tokenUse: 'access',
        clientId: CLIENT_ID,
      });
      const pem = key().publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const tokens = [
        accessToken(key(), {}, { alg: 'none' }),
        accessToken(key(), {}, { alg: 'None' }),
        // The classic confusion attack: HMAC keyed with the RSA public key.
        signJwt(cognitoAccessClaims({ poolId: POOL_ID }), key(), { alg: 'HS256' }, { hmacSecret: pem }),
        signJwt(cognitoAccessClaims({ poolId: POOL_ID }), key(), { alg: 'HS384' }, { hmacSecret: pem }),
        signJwt(cognitoAccessClaims({ poolId: POOL_ID }), key(), { alg: 'HS512' }, { hmacSecret: pem }),
        accessToken(key(), {}, { alg: 'PS256' }),
        accessToken(key(), {}, { alg: 'EdDSA' }),
        accessToken(key(), {}, { alg: 'rs256' }),
        accessToken(key(), {}, { alg: 'RS1' }),
        accessToken(key(), {}, { alg: ['RS256'] }),
        accessToken(key(), {}, { alg: undefined }),
        accessToken(key(), {}, { alg: 'constructor' }),
      ];
      for (const token of tokens) await expectCode(() => verifier.verify(token), 'ALG_NOT_ALLOWED', token);
      // Rejected on the header alone: the JWKS endpoint was never contacted.
      expect(server.requestCount()).toBe(0);
      // Baseline: the same verifier does fetch and accept a genuine token.
      await expect(verifier.verify(accessToken())).resolves.toBeDefined();
      expect(server.requestCount()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('rejects a header alg that does not match the key type (RSA key, ES256 header)', async () => {
    const ec = key('ES256');
    // The token claims ES256 and names the RSA key's kid; it is validly signed with an EC key.
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID }), ec, { kid: key().kid });
    const verifier = localVerifier({ jwks: jwksOf(key(), ec) });
    await expectCode(() => verifier.verify(token), 'ALG_NOT_ALLOWED', token);
  });

  it('rejects an EC header alg on the wrong curve (ES384 header, P-256 key)', async () => {
    const p256 = key('ES256');
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID }), key('ES384'), { kid: p256.kid });
    const verifier = localVerifier({ jwks: jwksOf(p256) });
    await expectCode(() => verifier.verify(token), 'ALG_NOT_ALLOWED', token);
  });

  it("rejects a header alg that differs from the JWK's alg, even with a valid signature", async () => {
    // Same RSA key, JWK says RS256; the token is genuinely signed with RS512 by that key.
    const rs = key();
    const rs512 = { ...rs, alg: 'RS512' as const };
    const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID }), rs512);
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).alg).toBe('RS512');
    await expectCode(() => localVerifier({ jwks: jwksOf(rs) }).verify(token), 'ALG_NOT_ALLOWED', token);
    // Without an alg in the JWK, RS512 with an RSA key is fine: the rule is the JWK's alg, not a guess.
    const { alg: _alg, ...noAlg } = rs.publicJwk;
    await expect(localVerifier({ jwks: { keys: [noAlg] } }).verify(token)).resolves.toBeDefined();
  });

  it('ignores jku, x5u and embedded jwk headers (attacker key is never used)', async () => {
    const attacker = generateTestKey({ alg: 'RS256', kid: key().kid });
    const verifier = localVerifier();
    for (const header of [
      { jwk: attacker.publicJwk },
      { jku: 'http://127.0.0.1:1/jwks.json' },
      { x5u: 'http://127.0.0.1:1/cert.pem' },
      { x5c: ['MIIB'] },
    ]) {
      const token = signJwt(cognitoAccessClaims({ poolId: POOL_ID }), attacker, header);
      await expectCode(() => verifier.verify(token), 'SIGNATURE_INVALID', token);
    }
    // The same headers on a genuinely signed token change nothing.
    await expect(
      verifier.verify(accessToken(key(), {}, { jku: 'http://127.0.0.1:1/x' })),
    ).resolves.toBeDefined();
  });

  it('rejects any crit header parameter', async () => {
    const verifier = localVerifier();
    for (const crit of [['exp'], ['b64'], [], 'b64']) {
      const token = accessToken(key(), {}, { crit, b64: false, exp: 1 });
      const error = await expectCode(() => verifier.verify(token), 'TOKEN_MALFORMED', token);
      expect(error.message).toMatch(/crit/);
    }
  });

  it('refuses RSA keys under 2048 bits: preloaded → ConfigError, fetched → ALG_NOT_ALLOWED', async () => {
    const weak = generateTestKey({ alg: 'RS256', kid: 'weak', modulusLength: 1024 });
    expect(() => localVerifier({ jwks: jwksOf(weak) })).toThrow(ConfigError);
    try {
      localVerifier({ jwks: jwksOf(key(), weak) });
    } catch (error) {
      expect(placeOf(error as ConfigError)).toBe('jwks.keys[1]');
      expect((error as ConfigError).message).toMatch(/1024 bits/);
    }
    const server = await startJwksServer({ jwks: jwksOf(weak, key()), poolId: POOL_ID });
    try {
      const verifier = createCognitoVerifier({
        userPoolId: POOL_ID,
        issuer: `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`,
        jwksUri: server.jwksUrl,
        tokenUse: 'access',
        clientId: CLIENT_ID,
      });
      const token = accessToken(weak);
      const error = await expectCode(() => verifier.verify(token), 'ALG_NOT_ALLOWED', token);
      expect(error.message).toMatch(/1024 bits/);
      // The strong key in the same JWKS still works.
      await expect(verifier.verify(accessToken())).resolves.toBeDefined();
    } finally {
      await server.close();
    }
  });

  it('rejects a signature made by another key with the same kid', async () => {
    const impostor = generateTestKey({ alg: 'RS256', kid: key().kid });
    const token = accessToken(impostor);
    await expectCode(() => localVerifier().verify(token), 'SIGNATURE_INVALID', token);
  });

  it('rejects an ES signature of the wrong length (DER instead of r||s)', async () => {
    const ec = key('ES256');
    const token = accessToken(ec);
    const [h, p, s] = token.split('.') as [string, string, string];
    const raw = Buffer.from(s, 'base64url');
    const der = Buffer.concat([
      Buffer.from([0x30, 0x44, 0x02, 0x20]),
      raw.subarray(0, 32),
      Buffer.from([0x02, 0x20]),
      raw.subarray(32),
    ]);
    const mutated = `${h}.${p}.${der.toString('base64url')}`;
    await expectCode(() => localVerifier({ jwks: jwksOf(ec) }).verify(mutated), 'SIGNATURE_INVALID', mutated);
  });
});

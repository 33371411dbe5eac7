import { type CognitoLocal, type CognitoPool, startCognitoLocal } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoVerifier } from '../../src/index.js';
import { expectCode } from '../helpers/assertions.js';

// The real emulator, exactly as the README's cognito-local example configures the verifier.
describe('against cognito-local (issuer + jwksUri overrides)', () => {
  let cognito: CognitoLocal;
  let pool: CognitoPool;
  let clientId: string;
  let tokens: { accessToken: string; idToken: string };

  beforeAll(async () => {
    cognito = await startCognitoLocal();
    pool = await cognito.createPool('verifier-test');
    clientId = (await cognito.createClient(pool.poolId)).clientId;
    await cognito.createUser(pool.poolId, 'alice', 'Passw0rd!Passw0rd', {
      groups: ['writers'],
      email: 'a@example.com',
    });
    tokens = await cognito.login(pool.poolId, clientId, 'alice', 'Passw0rd!Passw0rd');
  }, 60_000);

  afterAll(async () => {
    await cognito?.stop();
  });

  const verifierFor = (options: Record<string, unknown>) =>
    createCognitoVerifier({
      userPoolId: pool.poolId,
      issuer: pool.issuer,
      jwksUri: pool.jwksUri,
      tokenUse: 'access',
      clientId,
      ...options,
    });

  it('verifies a real access token, fetching the emulator JWKS over http', async () => {
    const claims = await verifierFor({ groups: 'writers' }).verify(tokens.accessToken);
    expect(claims).toMatchObject({ iss: pool.issuer, token_use: 'access', client_id: clientId });
    expect(claims['cognito:groups']).toContain('writers');
  });

  it('verifies a real ID token against aud', async () => {
    const claims = await verifierFor({ tokenUse: 'id' }).verify(tokens.idToken);
    expect(claims).toMatchObject({ token_use: 'id', aud: clientId, 'cognito:username': 'alice' });
  });

  it('applies the rules to real tokens', async () => {
    await expectCode(() => verifierFor({ groups: 'admin' }).verify(tokens.accessToken), 'GROUP_NOT_ALLOWED');
    await expectCode(
      () => verifierFor({ clientId: 'someoneelse' }).verify(tokens.accessToken),
      'AUDIENCE_INVALID',
    );
    await expectCode(() => verifierFor({}).verify(tokens.idToken), 'TOKEN_USE_INVALID');
    // Without the issuer override the derived https Cognito issuer does not match the emulator's.
    const derived = createCognitoVerifier({
      userPoolId: 'us-east-1_Whatever1',
      tokenUse: 'access',
      clientId,
    });
    await expectCode(() => derived.verify(tokens.accessToken), 'ISSUER_INVALID');
  });
});

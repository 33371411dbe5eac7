import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCognitoVerifier } from '../../src/index.js';
import { expectCode } from '../helpers/assertions.js';

// Tokens of the Cognito stand-in (test-fixtures) against the verifier, as cognito-local's are in
// cognito-local.test.ts: the stand-in's claim shapes must be ones the verifier accepts for real Cognito,
// with the issuer `http://127.0.0.1:<port>/<poolId>` and the JWKS at `<issuer>/.well-known/jwks.json`
// (fetched over http from the same server). This test lives in core because test-fixtures cannot depend on
// core (core's tests depend on test-fixtures).

const PASSWORD = 'Corr3ct-horse!';

async function call(endpoint: string, operation: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${operation}: ${String(json.__type)}`);
  return json;
}

describe('against the Cognito stand-in (issuer + jwksUri overrides)', () => {
  let standIn: CognitoStandIn;
  let pool: { poolId: string; issuer: string; jwksUri: string };
  let otherPool: { poolId: string; issuer: string; jwksUri: string };
  let clientId: string;
  let tokens: { AccessToken: string; IdToken: string; RefreshToken: string };

  beforeAll(async () => {
    standIn = await startCognitoStandIn({
      signingKey: generateTestKey({ alg: 'RS256', kid: 'standin-core' }),
    });
    pool = standIn.createPool();
    otherPool = standIn.createPool();
    standIn.setDeviceTracking(pool.poolId, 'Always');
    clientId = standIn.createClient(pool.poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }).clientId;
    standIn.createUser(pool.poolId, 'alice', {
      password: PASSWORD,
      groups: ['writers'],
      attributes: { email: 'alice@example.com', email_verified: 'true' },
    });
    const answer = await call(standIn.endpoint, 'InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: 'alice', PASSWORD },
    });
    tokens = answer.AuthenticationResult as typeof tokens;
  });

  afterAll(async () => {
    await standIn?.close();
  });

  const verifierFor = (options: Record<string, unknown>, target = pool) =>
    createCognitoVerifier({
      userPoolId: target.poolId,
      issuer: target.issuer,
      jwksUri: target.jwksUri,
      tokenUse: 'access',
      clientId,
      ...options,
    });

  it('verifies an access token (device_key claim included), fetching the JWKS from the stand-in', async () => {
    const claims = await verifierFor({ groups: 'writers' }).verify(tokens.AccessToken);
    expect(claims).toMatchObject({
      iss: pool.issuer,
      token_use: 'access',
      client_id: clientId,
      username: 'alice',
    });
    expect(claims.device_key).toEqual(expect.stringMatching(/^us-east-1_/));
  });

  it('verifies an ID token against aud', async () => {
    const claims = await verifierFor({ tokenUse: 'id' }).verify(tokens.IdToken);
    expect(claims).toMatchObject({
      token_use: 'id',
      aud: clientId,
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('verifies tokens renewed with the refresh token', async () => {
    const deviceKey = String((await verifierFor({}).verify(tokens.AccessToken)).device_key);
    const renewed = await call(standIn.endpoint, 'GetTokensFromRefreshToken', {
      ClientId: clientId,
      RefreshToken: tokens.RefreshToken,
      DeviceKey: deviceKey,
    });
    const access = (renewed.AuthenticationResult as { AccessToken: string }).AccessToken;
    expect((await verifierFor({}).verify(access)).username).toBe('alice');
  });

  it("applies the rules, and refuses the token for another pool's issuer", async () => {
    await expectCode(() => verifierFor({ groups: 'admin' }).verify(tokens.AccessToken), 'GROUP_NOT_ALLOWED');
    await expectCode(() => verifierFor({}).verify(tokens.IdToken), 'TOKEN_USE_INVALID');
    await expectCode(() => verifierFor({}, otherPool).verify(tokens.AccessToken), 'ISSUER_INVALID');
  });
});

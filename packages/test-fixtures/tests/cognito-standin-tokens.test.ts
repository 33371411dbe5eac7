// Tokens from the Cognito stand-in: their shape and signature, refresh (REFRESH_TOKEN_AUTH and
// GetTokensFromRefreshToken with refresh-token rotation), revocation, expiry, and the operations a signed-in
// user makes with the access token (GetUser, AssociateSoftwareToken / VerifySoftwareToken /
// SetUserMFAPreference).
// References:
//   Understanding the access token / the identity (ID) token (developer guide)
//       https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
//       https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
//   Refresh tokens, refresh token rotation (developer guide)
//       https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
//   GetTokensFromRefreshToken https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetTokensFromRefreshToken.html
//   RefreshTokenRotationType  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RefreshTokenRotationType.html
//   RevokeToken               https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
//   GetUser                   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUser.html
//   SetUserMFAPreference      https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SetUserMFAPreference.html
import {
  AssociateSoftwareTokenCommand,
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '../src/index.js';
import { claimsOf, headerOf, PASSWORD, rejected, sdkClient } from './support/standin.js';

let standIn: CognitoStandIn;
let sdk: CognitoIdentityProviderClient;
let poolId: string;
let issuer: string;
let jwksUri: string;
const key = generateTestKey({ alg: 'RS256', kid: 'standin-tokens' });

beforeAll(async () => {
  standIn = await startCognitoStandIn({ signingKey: key });
  sdk = sdkClient(standIn.endpoint);
  ({ poolId, issuer, jwksUri } = standIn.createPool({ mfa: 'OPTIONAL' }));
  standIn.createUser(poolId, 'nina', {
    password: PASSWORD,
    groups: ['admin', 'readers'],
    attributes: { email: 'nina@example.com', email_verified: 'true', 'custom:team': 'blue' },
  });
});
afterAll(async () => {
  sdk?.destroy();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

const PLAIN = ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] as const;

async function signIn(clientId: string, username = 'nina') {
  const answer = await sdk.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD },
    }),
  );
  const result = answer.AuthenticationResult;
  if (!result?.AccessToken || !result.RefreshToken || !result.IdToken) throw new Error('no tokens');
  return {
    access: result.AccessToken,
    id: result.IdToken,
    refresh: result.RefreshToken,
    expiresIn: result.ExpiresIn,
  };
}

const refreshWith = (
  clientId: string,
  RefreshToken: string,
  extra: { ClientSecret?: string; DeviceKey?: string } = {},
) => sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken, ...extra }));

describe('tokens (Cognito claim shapes, RS256, the JWKS at <issuer>/.well-known/jwks.json)', () => {
  it('the access token has the access-token claims and no others; the header is {kid, alg}', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    expect(tokens.expiresIn).toBe(3600);
    expect(headerOf(tokens.access)).toEqual({ alg: 'RS256', kid: key.kid });
    const access = claimsOf(tokens.access);
    expect(Object.keys(access).sort()).toEqual(
      [
        'auth_time',
        'client_id',
        'cognito:groups',
        'event_id',
        'exp',
        'iat',
        'iss',
        'jti',
        'origin_jti',
        'scope',
        'sub',
        'token_use',
        'username',
      ].sort(),
    );
    expect(access).toMatchObject({
      iss: issuer,
      client_id: clientId,
      token_use: 'access',
      'cognito:groups': ['admin', 'readers'],
    });
    expect(Number(access.exp) - Number(access.iat)).toBe(3600);
  });

  it('the ID token carries aud, cognito:username and the attributes (email_verified as a boolean)', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const id = claimsOf((await signIn(clientId)).id);
    expect(id).toMatchObject({
      iss: issuer,
      aud: clientId,
      token_use: 'id',
      'cognito:username': 'nina',
      email: 'nina@example.com',
      email_verified: true,
      'custom:team': 'blue',
    });
    expect(id.sub).toBe(claimsOf((await signIn(clientId)).access).sub);
  });

  it("both verify against the pool's JWKS with an independent verifier (jose), which is served for existing pools only", async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    expect(jwksUri).toBe(`${issuer}/.well-known/jwks.json`);
    const jwks = createRemoteJWKSet(new URL(jwksUri));
    await expect(jwtVerify(tokens.access, jwks, { issuer, algorithms: ['RS256'] })).resolves.toBeTruthy();
    await expect(jwtVerify(tokens.id, jwks, { issuer, audience: clientId })).resolves.toBeTruthy();
    expect((await fetch(`${standIn.endpoint}/us-east-1_NoSuchPool/.well-known/jwks.json`)).status).toBe(404);
    const keys = (await (await fetch(jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(keys.keys.map((k) => Object.keys(k).sort())).toEqual([['alg', 'e', 'kid', 'kty', 'n', 'use']]);
  });
});

describe('refresh without rotation (REFRESH_TOKEN_AUTH, GetTokensFromRefreshToken)', () => {
  it('both renew the ID and access tokens only, keeping origin_jti and auth_time', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    const viaInitiate = await sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: tokens.refresh },
      }),
    );
    const viaGetTokens = await refreshWith(clientId, tokens.refresh);
    for (const result of [viaInitiate.AuthenticationResult, viaGetTokens.AuthenticationResult]) {
      expect(result?.RefreshToken).toBeUndefined();
      const access = claimsOf(result?.AccessToken);
      expect(access.origin_jti).toBe(claimsOf(tokens.access).origin_jti);
      expect(access.auth_time).toBe(claimsOf(tokens.access).auth_time);
    }
    expect(viaInitiate.ChallengeParameters).toEqual({});
  });

  it('a refresh token of another client is "Invalid Refresh Token"; an expired one "Refresh Token has expired"', async () => {
    const { clientId } = standIn.createClient(poolId, {
      explicitAuthFlows: [...PLAIN],
      refreshTokenValiditySeconds: 3600,
    });
    const other = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    expect(await rejected(refreshWith(other.clientId, tokens.refresh))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
    standIn.advanceClock(3601);
    expect(await rejected(refreshWith(clientId, tokens.refresh))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Refresh Token has expired',
    });
    expect(await rejected(sdk.send(new GetUserCommand({ AccessToken: tokens.access })))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Access Token has expired',
    });
  });

  it('a disabled user cannot refresh', async () => {
    standIn.createUser(poolId, 'olga', { password: PASSWORD });
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId, 'olga');
    standIn.updateUser(poolId, 'olga', { enabled: false });
    expect(await rejected(refreshWith(clientId, tokens.refresh))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'User is disabled.',
    });
  });

  it('a client with a secret needs it: ClientSecret on GetTokensFromRefreshToken, SECRET_HASH of the username on REFRESH_TOKEN_AUTH', async () => {
    const { clientId, clientSecret } = standIn.createClient(poolId, {
      explicitAuthFlows: [...PLAIN],
      secret: true,
    });
    const { createHmac } = await import('node:crypto');
    const hash = createHmac('sha256', String(clientSecret)).update(`nina${clientId}`).digest('base64');
    const first = await sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'nina', PASSWORD, SECRET_HASH: hash },
      }),
    );
    const refresh = String(first.AuthenticationResult?.RefreshToken);
    expect((await rejected(refreshWith(clientId, refresh))).type).toBe('NotAuthorizedException');
    expect((await rejected(refreshWith(clientId, refresh, { ClientSecret: 'wrong' }))).type).toBe(
      'NotAuthorizedException',
    );
    await refreshWith(clientId, refresh, { ClientSecret: String(clientSecret) });
    const viaInitiate = (params: Record<string, string>) =>
      sdk.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: clientId,
          AuthParameters: { REFRESH_TOKEN: refresh, ...params },
        }),
      );
    expect(await rejected(viaInitiate({}))).toMatchObject({
      message: `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
    });
    await viaInitiate({ SECRET_HASH: hash });
  });
});

describe('refresh-token rotation (RefreshTokenRotation ENABLED)', () => {
  it('GetTokensFromRefreshToken issues a new refresh token and the old one is refused at once (RefreshTokenReuseException)', async () => {
    const { clientId } = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      refreshTokenRotation: { enabled: true },
    });
    const tokens = await signIn(clientId);
    const rotated = (await refreshWith(clientId, tokens.refresh)).AuthenticationResult;
    expect(rotated?.RefreshToken).toEqual(expect.any(String));
    expect(rotated?.RefreshToken).not.toBe(tokens.refresh);
    expect(await rejected(refreshWith(clientId, tokens.refresh))).toMatchObject({
      type: 'RefreshTokenReuseException',
    });
    const again = (await refreshWith(clientId, String(rotated?.RefreshToken))).AuthenticationResult;
    expect(claimsOf(again?.AccessToken).origin_jti).toBe(claimsOf(tokens.access).origin_jti);
  });

  it('with RetryGracePeriodSeconds the old token keeps working until the grace period ends', async () => {
    const { clientId } = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: 30 },
    });
    const tokens = await signIn(clientId);
    await refreshWith(clientId, tokens.refresh);
    standIn.advanceClock(29);
    await refreshWith(clientId, tokens.refresh);
    standIn.advanceClock(2);
    expect((await rejected(refreshWith(clientId, tokens.refresh))).type).toBe('RefreshTokenReuseException');
  });

  it('REFRESH_TOKEN_AUTH is not available on a rotating client (the flow is off)', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    standIn.setRefreshTokenRotation(clientId, { enabled: true });
    expect(
      await rejected(
        sdk.send(
          new InitiateAuthCommand({
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            ClientId: clientId,
            AuthParameters: { REFRESH_TOKEN: tokens.refresh },
          }),
        ),
      ),
    ).toMatchObject({
      type: 'InvalidParameterException',
      message: 'REFRESH_TOKEN_AUTH flow not enabled for this client',
    });
    expect((await refreshWith(clientId, tokens.refresh)).AuthenticationResult?.RefreshToken).toEqual(
      expect.any(String),
    );
  });

  it('a rotated token keeps the expiry of the sign-in it came from', async () => {
    const { clientId } = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      refreshTokenRotation: { enabled: true },
      refreshTokenValiditySeconds: 600,
    });
    const tokens = await signIn(clientId);
    standIn.advanceClock(500);
    const rotated = String((await refreshWith(clientId, tokens.refresh)).AuthenticationResult?.RefreshToken);
    standIn.advanceClock(101);
    expect(await rejected(refreshWith(clientId, rotated))).toMatchObject({
      message: 'Refresh Token has expired',
    });
  });
});

describe('RevokeToken', () => {
  it('revokes the refresh token and every token of its sign-in', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    const refreshed = (await refreshWith(clientId, tokens.refresh)).AuthenticationResult;
    const unrelated = await signIn(clientId);
    await sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.refresh }));
    expect(await rejected(refreshWith(clientId, tokens.refresh))).toMatchObject({
      message: 'Refresh Token has been revoked',
    });
    for (const AccessToken of [tokens.access, String(refreshed?.AccessToken)]) {
      expect(await rejected(sdk.send(new GetUserCommand({ AccessToken })))).toMatchObject({
        type: 'NotAuthorizedException',
        message: 'Access Token has been revoked',
      });
    }
    expect((await sdk.send(new GetUserCommand({ AccessToken: unrelated.access }))).Username).toBe('nina');
  });

  it('refuses an access token (UnsupportedTokenTypeException) and a token of another client (UnauthorizedException); an unknown token is a success', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const other = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const tokens = await signIn(clientId);
    expect(
      (await rejected(sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.access })))).type,
    ).toBe('UnsupportedTokenTypeException');
    expect(
      (await rejected(sdk.send(new RevokeTokenCommand({ ClientId: other.clientId, Token: tokens.refresh }))))
        .type,
    ).toBe('UnauthorizedException');
    await sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: 'not-a-token-we-issued' }));
    await refreshWith(clientId, tokens.refresh);
  });

  it('is UnsupportedOperationException on a client with EnableTokenRevocation false', async () => {
    const { clientId } = standIn.createClient(poolId, {
      explicitAuthFlows: [...PLAIN],
      enableTokenRevocation: false,
    });
    const tokens = await signIn(clientId);
    expect(
      await rejected(sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.refresh }))),
    ).toMatchObject({
      type: 'UnsupportedOperationException',
    });
    await refreshWith(clientId, tokens.refresh);
  });
});

describe('GetUser and TOTP enrolment with an access token', () => {
  it('GetUser answers Username and UserAttributes (sub first); MFA settings once there are some', async () => {
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const user = await sdk.send(new GetUserCommand({ AccessToken: (await signIn(clientId)).access }));
    expect(user.Username).toBe('nina');
    expect(user.UserAttributes?.[0]?.Name).toBe('sub');
    expect(user.UserAttributes).toContainEqual({ Name: 'email', Value: 'nina@example.com' });
    expect(user.PreferredMfaSetting).toBeUndefined();
    expect(await rejected(sdk.send(new GetUserCommand({ AccessToken: 'eyJ.not.issued' })))).toMatchObject({
      message: 'Invalid Access Token',
    });
  });

  it('AssociateSoftwareToken, VerifySoftwareToken and SetUserMFAPreference make TOTP the MFA of the next sign-in', async () => {
    standIn.createUser(poolId, 'pia', { password: PASSWORD });
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: [...PLAIN] });
    const AccessToken = (await signIn(clientId, 'pia')).access;
    const enableTotp = () =>
      sdk.send(
        new SetUserMFAPreferenceCommand({
          AccessToken,
          SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
        }),
      );
    expect(await rejected(enableTotp())).toMatchObject({
      type: 'InvalidParameterException',
      message: 'User has not verified software token mfa',
    });
    const { SecretCode, Session } = await sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    expect(Session).toBeUndefined();
    const wrong = standIn.totpCode(String(SecretCode)) === '000000' ? '111111' : '000000';
    expect(
      (await rejected(sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: wrong })))).type,
    ).toBe('EnableSoftwareTokenMFAException');
    const verified = await sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: standIn.totpCode(String(SecretCode)) }),
    );
    expect(verified.Status).toBe('SUCCESS');
    await enableTotp();
    const user = await sdk.send(new GetUserCommand({ AccessToken }));
    expect(user).toMatchObject({
      PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA',
      UserMFASettingList: ['SOFTWARE_TOKEN_MFA'],
    });

    standIn.advanceClock(30);
    const asked = await sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'pia', PASSWORD },
      }),
    );
    expect(asked.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(asked.ChallengeParameters).toEqual({});
    const done = await sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: asked.Session,
        ChallengeResponses: {
          USERNAME: 'pia',
          SOFTWARE_TOKEN_MFA_CODE: standIn.totpCode(String(SecretCode)),
        },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });
});

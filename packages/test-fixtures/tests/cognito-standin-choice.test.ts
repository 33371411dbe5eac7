// Choice-based sign-in (AuthFlow USER_AUTH) on the Cognito stand-in, driven with the AWS SDK for the
// request and answer shapes: SELECT_CHALLENGE with AvailableChallenges, then PASSWORD, PASSWORD_SRP,
// EMAIL_OTP, SMS_OTP or WEB_AUTHN; and email MFA (EMAIL_OTP after a password).
// References:
//   InitiateAuth (AuthParameters USERNAME, PREFERRED_CHALLENGE; AvailableChallenges)
//       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
//   RespondToAuthChallenge (SELECT_CHALLENGE / EMAIL_OTP / SMS_OTP / WEB_AUTHN / PASSWORD_VERIFIER ChallengeResponses)
//       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
//   ChallengeNameType  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#CognitoUserPools-InitiateAuth-response-ChallengeName
//   Authentication flows, choice-based sign-in (developer guide)
//       https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flows-selection-sdk.html
//   W3C Web Authentication Level 3, §5.1 AuthenticationResponseJSON and §7.2 Verifying an Authentication Assertion
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '../src/index.js';
import { useShortSrpSecrets } from './support/identity-js.js';
import { softwarePasskey } from './support/passkey.js';
import { srpClient } from './support/srp-client.js';
import { claimsOf, PASSWORD, rejected, sdkClient } from './support/standin.js';

let standIn: CognitoStandIn;
let sdk: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
const key = generateTestKey({ alg: 'RS256', kid: 'standin-choice' });
const passkey = softwarePasskey();
const impostor = softwarePasskey();
const ORIGIN = 'https://app.example.com';

let restoreSrpSecrets: () => void;

beforeAll(async () => {
  restoreSrpSecrets = useShortSrpSecrets();
  standIn = await startCognitoStandIn({ signingKey: key });
  sdk = sdkClient(standIn.endpoint);
  ({ poolId } = standIn.createPool({
    mfa: 'OPTIONAL',
    allowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'],
    webAuthn: { relyingPartyId: 'app.example.com', origins: [ORIGIN] },
  }));
  ({ clientId } = standIn.createClient(poolId, {
    explicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  standIn.createUser(poolId, 'kim', {
    password: PASSWORD,
    attributes: {
      email: 'kim@example.com',
      email_verified: 'true',
      phone_number: '+15555550142',
      phone_number_verified: 'true',
    },
  });
  standIn.addPasskey(poolId, 'kim', { credentialId: passkey.credentialId, publicKey: passkey.publicKey });
  standIn.createUser(poolId, 'lee', { password: PASSWORD });
});
afterAll(async () => {
  restoreSrpSecrets?.();
  sdk?.destroy();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

const initiate = (params: Record<string, string>, client = clientId) =>
  sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_AUTH', ClientId: client, AuthParameters: params }));

const respond = (
  ChallengeName: string,
  Session: string | undefined,
  ChallengeResponses: Record<string, string>,
) =>
  sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: ChallengeName as never,
      Session,
      ChallengeResponses,
    }),
  );

function tokensOf(answer: InitiateAuthCommandOutput) {
  expect(answer.ChallengeName).toBeUndefined();
  expect(Object.keys(answer.AuthenticationResult ?? {}).sort()).toEqual([
    'AccessToken',
    'ExpiresIn',
    'IdToken',
    'RefreshToken',
    'TokenType',
  ]);
  expect(answer.AuthenticationResult?.TokenType).toBe('Bearer');
  return answer.AuthenticationResult;
}

describe('SELECT_CHALLENGE', () => {
  it('without PREFERRED_CHALLENGE answers SELECT_CHALLENGE with the AvailableChallenges of the user', async () => {
    const kim = await initiate({ USERNAME: 'kim' });
    expect(kim.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(kim.AvailableChallenges).toEqual([
      'PASSWORD',
      'PASSWORD_SRP',
      'EMAIL_OTP',
      'SMS_OTP',
      'WEB_AUTHN',
    ]);
    expect(kim.ChallengeParameters).toEqual({});
    expect(kim.Session).toEqual(expect.any(String));
    // No verified email or phone, no passkey: passwords only.
    expect((await initiate({ USERNAME: 'lee' })).AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP']);
  });

  it('ANSWER PASSWORD with PASSWORD signs in; an ANSWER that was not offered is InvalidParameterException', async () => {
    const lee = await initiate({ USERNAME: 'lee' });
    expect(
      await rejected(respond('SELECT_CHALLENGE', lee.Session, { USERNAME: 'lee', ANSWER: 'EMAIL_OTP' })),
    ).toMatchObject({
      type: 'InvalidParameterException',
    });
    const done = await respond('SELECT_CHALLENGE', lee.Session, {
      USERNAME: 'lee',
      ANSWER: 'PASSWORD',
      PASSWORD,
    });
    expect(claimsOf(tokensOf(done)?.AccessToken).username).toBe('lee');
  });

  it('ANSWER PASSWORD_SRP with SRP_A leads to PASSWORD_VERIFIER, answered with AWS SRP code', async () => {
    const select = await initiate({ USERNAME: 'lee' });
    const srp = srpClient(poolId);
    const verifier = await respond('SELECT_CHALLENGE', select.Session, {
      USERNAME: 'lee',
      ANSWER: 'PASSWORD_SRP',
      SRP_A: srp.srpA,
    });
    expect(verifier.ChallengeName).toBe('PASSWORD_VERIFIER');
    const parameters = verifier.ChallengeParameters ?? {};
    const done = await respond('PASSWORD_VERIFIER', verifier.Session, {
      USERNAME: 'lee',
      ...srp.answer(parameters, PASSWORD),
    });
    tokensOf(done);
  });

  it('ANSWER PASSWORD without a PASSWORD asks the PASSWORD challenge', async () => {
    const select = await initiate({ USERNAME: 'lee' });
    const asked = await respond('SELECT_CHALLENGE', select.Session, { USERNAME: 'lee', ANSWER: 'PASSWORD' });
    expect(asked.ChallengeName).toBe('PASSWORD');
    tokensOf(await respond('PASSWORD', asked.Session, { USERNAME: 'lee', PASSWORD }));
  });

  it('USER_AUTH needs ALLOW_USER_AUTH on the client', async () => {
    const srpOnly = standIn.createClient(poolId).clientId;
    expect(await rejected(initiate({ USERNAME: 'lee' }, srpOnly))).toMatchObject({
      type: 'InvalidParameterException',
      message: 'USER_AUTH flow not enabled for this client',
    });
  });
});

describe('one-time passwords as the first factor (EMAIL_OTP, SMS_OTP)', () => {
  it('EMAIL_OTP: the challenge names the medium and a masked address; EMAIL_OTP_CODE signs in without MFA', async () => {
    const select = await initiate({ USERNAME: 'kim' });
    const asked = await respond('SELECT_CHALLENGE', select.Session, { USERNAME: 'kim', ANSWER: 'EMAIL_OTP' });
    expect(asked.ChallengeName).toBe('EMAIL_OTP');
    expect(asked.ChallengeParameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
      CODE_DELIVERY_DESTINATION: 'k***@e***',
    });
    expect(standIn.sentMessages(poolId, 'kim').at(-1)).toMatchObject({
      medium: 'EMAIL',
      purpose: 'SIGN_IN',
      destination: 'kim@example.com',
    });
    tokensOf(
      await respond('EMAIL_OTP', asked.Session, {
        USERNAME: 'kim',
        EMAIL_OTP_CODE: standIn.lastCode(poolId, 'kim'),
      }),
    );
  });

  it('PREFERRED_CHALLENGE SMS_OTP goes straight to the SMS_OTP challenge; SMS_OTP_CODE signs in', async () => {
    const asked = await initiate({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'SMS_OTP' });
    expect(asked.ChallengeName).toBe('SMS_OTP');
    expect(asked.ChallengeParameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
      CODE_DELIVERY_DESTINATION: '+*******0142',
    });
    tokensOf(
      await respond('SMS_OTP', asked.Session, {
        USERNAME: 'kim',
        SMS_OTP_CODE: standIn.lastCode(poolId, 'kim'),
      }),
    );
  });

  it('a wrong code is CodeMismatchException and the session stays for another try; the third wrong code ends it', async () => {
    const asked = await initiate({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'EMAIL_OTP' });
    const code = standIn.lastCode(poolId, 'kim');
    const wrong = code === '00000000' ? '11111111' : '00000000';
    const attempt = () => respond('EMAIL_OTP', asked.Session, { USERNAME: 'kim', EMAIL_OTP_CODE: wrong });
    expect(await rejected(attempt())).toMatchObject({
      type: 'CodeMismatchException',
      message: 'Invalid code received for user',
    });
    expect(await rejected(attempt())).toMatchObject({ type: 'CodeMismatchException' });
    expect(await rejected(attempt())).toMatchObject({ type: 'CodeMismatchException' });
    expect(
      await rejected(respond('EMAIL_OTP', asked.Session, { USERNAME: 'kim', EMAIL_OTP_CODE: code })),
    ).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid session for the user.',
    });
  });

  it('passwordless choices are not offered while the pool requires MFA', async () => {
    const strict = standIn.createPool({ mfa: 'ON', allowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
    const app = standIn.createClient(strict.poolId, { explicitAuthFlows: ['ALLOW_USER_AUTH'] });
    standIn.createUser(strict.poolId, 'kim', {
      password: PASSWORD,
      attributes: { email: 'kim@example.com', email_verified: 'true' },
    });
    const select = await initiate({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'EMAIL_OTP' }, app.clientId);
    expect(select.ChallengeName).toBe('SELECT_CHALLENGE');
    expect(select.AvailableChallenges).toEqual(['PASSWORD', 'PASSWORD_SRP']);
  });
});

describe('passkeys (WEB_AUTHN)', () => {
  async function webAuthnChallenge() {
    const asked = await initiate({ USERNAME: 'kim', PREFERRED_CHALLENGE: 'WEB_AUTHN' });
    expect(asked.ChallengeName).toBe('WEB_AUTHN');
    return { session: asked.Session, options: asked.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS ?? '' };
  }

  it('CREDENTIAL_REQUEST_OPTIONS names the relying party and the credential; the assertion signs in', async () => {
    const { session, options } = await webAuthnChallenge();
    const request = JSON.parse(options);
    expect(request).toMatchObject({
      rpId: 'app.example.com',
      userVerification: 'required',
      allowCredentials: [{ type: 'public-key', id: passkey.credentialId.toString('base64url') }],
    });
    expect(Buffer.from(request.challenge, 'base64url')).toHaveLength(32);
    const done = await respond('WEB_AUTHN', session, {
      USERNAME: 'kim',
      CREDENTIAL: passkey.assert(options, { origin: ORIGIN }),
    });
    expect(claimsOf(tokensOf(done)?.IdToken)['cognito:username']).toBe('kim');
  });

  it.each([
    ['an origin the pool does not allow', { origin: 'https://evil.example' }, 'origin not allowed'],
    ['another relying party', { origin: ORIGIN, rpId: 'evil.example' }, 'rpIdHash does not match'],
    ['no user verification', { origin: ORIGIN, userVerified: false }, 'user not verified'],
    [
      'a signature counter that did not grow',
      { origin: ORIGIN, counter: 1 },
      'signature counter did not increase',
    ],
  ])('refuses an assertion with %s', async (_name, assertOptions, reason) => {
    const { session, options } = await webAuthnChallenge();
    const answer = await rejected(
      respond('WEB_AUTHN', session, { USERNAME: 'kim', CREDENTIAL: passkey.assert(options, assertOptions) }),
    );
    expect(answer.type).toBe('NotAuthorizedException');
    expect(answer.message).toContain(reason);
  });

  it("refuses an assertion for kim's credential signed with another key", async () => {
    const { session, options } = await webAuthnChallenge();
    const forged = JSON.parse(impostor.assert(options, { origin: ORIGIN, counter: 1_000_000 }));
    forged.id = passkey.credentialId.toString('base64url');
    forged.rawId = forged.id;
    const answer = await rejected(
      respond('WEB_AUTHN', session, { USERNAME: 'kim', CREDENTIAL: JSON.stringify(forged) }),
    );
    expect(answer).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Passkey assertion refused: bad signature',
    });
  });

  it('refuses an assertion made for another sign-in (replayed challenge)', async () => {
    const first = await webAuthnChallenge();
    const second = await webAuthnChallenge();
    const replayed = passkey.assert(first.options, { origin: ORIGIN });
    expect(
      (await rejected(respond('WEB_AUTHN', second.session, { USERNAME: 'kim', CREDENTIAL: replayed })))
        .message,
    ).toContain('challenge does not match');
  });
});

describe('email MFA after a password (EMAIL_OTP with EMAIL_OTP_CODE)', () => {
  it('asks EMAIL_OTP after PASSWORD when the user has email MFA, and signs in with the emailed code', async () => {
    standIn.createUser(poolId, 'max', { password: PASSWORD, attributes: { email: 'max@example.com' } });
    standIn.setUserMfa(poolId, 'max', { EMAIL_OTP: { enabled: true } });
    const asked = await initiate({ USERNAME: 'max', PREFERRED_CHALLENGE: 'PASSWORD', PASSWORD });
    expect(asked.ChallengeName).toBe('EMAIL_OTP');
    expect(asked.ChallengeParameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
      CODE_DELIVERY_DESTINATION: 'm***@e***',
    });
    expect(standIn.sentMessages(poolId, 'max').at(-1)).toMatchObject({ purpose: 'MFA' });
    expect(standIn.lastCode(poolId, 'max')).toMatch(/^\d{6}$/);
    tokensOf(
      await respond('EMAIL_OTP', asked.Session, {
        USERNAME: 'max',
        EMAIL_OTP_CODE: standIn.lastCode(poolId, 'max'),
      }),
    );
  });
});

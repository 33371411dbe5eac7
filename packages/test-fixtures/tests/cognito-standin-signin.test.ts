// Sign-in flows of the Cognito stand-in driven by amazon-cognito-identity-js, AWS's own client: it runs the
// client side of SRP, the MFA answers and TOTP enrolment exactly as it does against Amazon Cognito, so each
// sign-in that ends in tokens shows the stand-in answers the way Cognito's clients expect.
// References (Amazon Cognito user pools API reference):
//   InitiateAuth             https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
//   RespondToAuthChallenge   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
//   AssociateSoftwareToken   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AssociateSoftwareToken.html
//   VerifySoftwareToken      https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifySoftwareToken.html
//   CreateUserPoolClient (ExplicitAuthFlows, PreventUserExistenceErrors)
//                            https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '../src/index.js';
import {
  clientFor,
  failure,
  identityJs,
  type Step,
  stepOf,
  useShortSrpSecrets,
} from './support/identity-js.js';
import { claimsOf, PASSWORD, rejected, sdkClient } from './support/standin.js';

let standIn: CognitoStandIn;
const key = generateTestKey({ alg: 'RS256', kid: 'standin-signin' });

let restoreSrpSecrets: () => void;

beforeAll(async () => {
  restoreSrpSecrets = useShortSrpSecrets();
  standIn = await startCognitoStandIn({ signingKey: key });
});
afterAll(async () => {
  restoreSrpSecrets?.();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

function expectStep<S extends Step['step']>(step: Step, name: S): Step & { step: S } {
  expect(step.step).toBe(name);
  return step as Step & { step: S };
}

describe('USER_SRP_AUTH (InitiateAuth AuthFlow USER_SRP_AUTH, then the PASSWORD_VERIFIER challenge)', () => {
  let poolId: string;
  let clientId: string;

  beforeAll(() => {
    ({ poolId } = standIn.createPool({ signInAliases: ['email'] }));
    ({ clientId } = standIn.createClient(poolId));
    standIn.createUser(poolId, 'alice', {
      password: PASSWORD,
      attributes: { email: 'alice@example.com', email_verified: 'true' },
    });
  });

  it('sends exactly the PASSWORD_VERIFIER parameters the reference lists: SALT, SECRET_BLOCK, SRP_B, USERNAME, USER_ID_FOR_SRP', async () => {
    const sdk = sdkClient(standIn.endpoint);
    const answer = await sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'alice', SRP_A: 'abc123' },
      }),
    );
    expect(answer.ChallengeName).toBe('PASSWORD_VERIFIER');
    expect(Object.keys(answer.ChallengeParameters ?? {}).sort()).toEqual([
      'SALT',
      'SECRET_BLOCK',
      'SRP_B',
      'USERNAME',
      'USER_ID_FOR_SRP',
    ]);
    expect(answer.ChallengeParameters?.SALT).toMatch(/^[0-9a-f]+$/);
    expect(answer.ChallengeParameters?.SRP_B).toMatch(/^[0-9a-f]+$/);
    expect(Buffer.from(answer.ChallengeParameters?.SECRET_BLOCK ?? '', 'base64').length).toBeGreaterThan(32);
    expect(answer.Session).toEqual(expect.any(String));
    expect(answer.AuthenticationResult).toBeUndefined();
    sdk.destroy();
  });

  it("signs in with AWS's SRP client; the ID and access tokens name the user", async () => {
    const { step } = clientFor(standIn.endpoint, poolId, clientId).signIn('alice', PASSWORD);
    const { session } = expectStep(await step, 'signedIn');
    const access = claimsOf(session.getAccessToken().getJwtToken());
    expect(access).toMatchObject({
      token_use: 'access',
      client_id: clientId,
      username: 'alice',
      scope: 'aws.cognito.signin.user.admin',
    });
    const id = claimsOf(session.getIdToken().getJwtToken());
    expect(id).toMatchObject({
      token_use: 'id',
      aud: clientId,
      'cognito:username': 'alice',
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('signs in with an email alias: USER_ID_FOR_SRP is the real username and the proof is made with it', async () => {
    const { step } = clientFor(standIn.endpoint, poolId, clientId).signIn('alice@example.com', PASSWORD);
    const { session } = expectStep(await step, 'signedIn');
    expect(claimsOf(session.getAccessToken().getJwtToken()).username).toBe('alice');
  });

  it('a wrong password fails the proof: NotAuthorizedException "Incorrect username or password."', async () => {
    const { step } = clientFor(standIn.endpoint, poolId, clientId).signIn('alice', 'Wrong-passw0rd!');
    expect(await failure(step)).toEqual({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  it('after five failed sign-ins the user is locked out ("Password attempts exceeded"), even with the right password', async () => {
    standIn.createUser(poolId, 'mallory-target', { password: PASSWORD });
    const both = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH'],
    });
    const client = clientFor(standIn.endpoint, poolId, both.clientId);
    for (let i = 0; i < 4; i += 1) {
      const wrong = client.signIn('mallory-target', `Wrong-${i}-passw0rd!`, 'USER_PASSWORD_AUTH').step;
      expect((await failure(wrong)).code).toBe('NotAuthorizedException');
    }
    expect((await failure(client.signIn('mallory-target', 'Wrong-4-passw0rd!').step)).code).toBe(
      'NotAuthorizedException',
    );
    for (const flow of ['USER_PASSWORD_AUTH', 'USER_SRP_AUTH'] as const) {
      expect(await failure(client.signIn('mallory-target', PASSWORD, flow).step)).toEqual({
        code: 'NotAuthorizedException',
        message: 'Password attempts exceeded',
      });
    }
    standIn.advanceClock(2);
    expect((await client.signIn('mallory-target', PASSWORD, 'USER_PASSWORD_AUTH').step).step).toBe(
      'signedIn',
    );
  });

  it('an unknown user is UserNotFoundException with PreventUserExistenceErrors LEGACY (the default)', async () => {
    const { step } = clientFor(standIn.endpoint, poolId, clientId).signIn('nobody', PASSWORD);
    expect(await failure(step)).toEqual({ code: 'UserNotFoundException', message: 'User does not exist.' });
  });

  it('with PreventUserExistenceErrors ENABLED an unknown user gets a challenge, then the wrong-password answer', async () => {
    const hiding = standIn.createClient(poolId, { preventUserExistenceErrors: 'ENABLED' });
    const { step } = clientFor(standIn.endpoint, poolId, hiding.clientId).signIn('nobody', PASSWORD);
    expect(await failure(step)).toEqual({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(
      standIn
        .calls()
        .slice(-2)
        .map((c) => [c.operation, c.status]),
    ).toEqual([
      ['InitiateAuth', 200],
      ['RespondToAuthChallenge', 400],
    ]);
  });
});

describe('USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH', () => {
  let poolId: string;

  beforeAll(() => {
    ({ poolId } = standIn.createPool());
    standIn.createUser(poolId, 'bob', { password: PASSWORD, groups: ['writers'] });
  });

  it('signs in with USER_PASSWORD_AUTH when the client allows it, and refuses it otherwise', async () => {
    const allowed = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const signedIn = expectStep(
      await clientFor(standIn.endpoint, poolId, allowed.clientId).signIn(
        'bob',
        PASSWORD,
        'USER_PASSWORD_AUTH',
      ).step,
      'signedIn',
    );
    expect(claimsOf(signedIn.session.getAccessToken().getJwtToken())['cognito:groups']).toEqual(['writers']);
    const srpOnly = standIn.createClient(poolId);
    expect(
      await failure(
        clientFor(standIn.endpoint, poolId, srpOnly.clientId).signIn('bob', PASSWORD, 'USER_PASSWORD_AUTH')
          .step,
      ),
    ).toEqual({
      code: 'InvalidParameterException',
      message: 'USER_PASSWORD_AUTH flow not enabled for this client',
    });
  });

  it('refreshSession (REFRESH_TOKEN_AUTH) renews the ID and access tokens of the same sign-in', async () => {
    const { clientId } = standIn.createClient(poolId);
    const { user, step } = clientFor(standIn.endpoint, poolId, clientId).signIn('bob', PASSWORD);
    const first = expectStep(await step, 'signedIn').session;
    const refreshed = await new Promise<import('amazon-cognito-identity-js').CognitoUserSession>(
      (resolve, reject) =>
        user.refreshSession(
          first.getRefreshToken(),
          (error: unknown, session: import('amazon-cognito-identity-js').CognitoUserSession) =>
            error ? reject(error) : resolve(session),
        ),
    );
    const before = claimsOf(first.getAccessToken().getJwtToken());
    const after = claimsOf(refreshed.getAccessToken().getJwtToken());
    expect(after.jti).not.toBe(before.jti);
    expect(after.origin_jti).toBe(before.origin_jti);
    expect(after.auth_time).toBe(before.auth_time);
    // REFRESH_TOKEN_AUTH answers no new refresh token; the library keeps the old one.
    expect(refreshed.getRefreshToken().getToken()).toBe(first.getRefreshToken().getToken());
  });
});

describe('NEW_PASSWORD_REQUIRED (a temporary password)', () => {
  it('asks for the new password and the missing required attributes, checks the policy, then signs in', async () => {
    const { poolId } = standIn.createPool({ requiredAttributes: ['name'] });
    const { clientId } = standIn.createClient(poolId);
    standIn.createUser(poolId, 'carol', {
      password: 'Temp0rary!pw',
      temporary: true,
      attributes: { email: 'carol@example.com' },
    });
    const client = clientFor(standIn.endpoint, poolId, clientId);
    const { user, step } = client.signIn('carol', 'Temp0rary!pw');
    const asked = expectStep(await step, 'newPasswordRequired');
    expect(asked.requiredAttributes).toEqual(['name']);
    expect(asked.userAttributes).toEqual({ email: 'carol@example.com' });

    const weak = await failure(
      stepOf((cb) => user.completeNewPasswordChallenge('short', { name: 'Carol' }, cb)),
    );
    expect(weak).toEqual({
      code: 'InvalidPasswordException',
      message: 'Password does not conform to policy: Password not long enough',
    });
    const noName = await failure(stepOf((cb) => user.completeNewPasswordChallenge('N3w-passw0rd!', {}, cb)));
    expect(noName).toEqual({
      code: 'InvalidParameterException',
      message: 'Invalid attributes given, name is missing',
    });
    const done = expectStep(
      await stepOf((cb) => user.completeNewPasswordChallenge('N3w-passw0rd!', { name: 'Carol' }, cb)),
      'signedIn',
    );
    expect(claimsOf(done.session.getIdToken().getJwtToken()).name).toBe('Carol');

    expect((await client.signIn('carol', 'N3w-passw0rd!').step).step).toBe('signedIn');
    expect((await failure(client.signIn('carol', 'Temp0rary!pw').step)).code).toBe('NotAuthorizedException');
  });
});

describe('MFA after the password (SMS_MFA, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP)', () => {
  let poolId: string;
  let clientId: string;

  // The password goes in the clear (USER_PASSWORD_AUTH): SRP is not what these tests are about.
  const signIn = (username: string) =>
    clientFor(standIn.endpoint, poolId, clientId).signIn(username, PASSWORD, 'USER_PASSWORD_AUTH');

  beforeAll(() => {
    ({ poolId } = standIn.createPool({ mfa: 'OPTIONAL' }));
    ({ clientId } = standIn.createClient(poolId, { explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }));
  });

  it('SMS_MFA: the challenge names the medium and a masked number; a wrong code is CodeMismatchException; the sent code signs in', async () => {
    standIn.createUser(poolId, 'dave', { password: PASSWORD, attributes: { phone_number: '+15555550123' } });
    standIn.setUserMfa(poolId, 'dave', { SMS_MFA: { enabled: true } });
    const { user, step } = signIn('dave');
    const asked = expectStep(await step, 'mfaRequired');
    expect(asked.challenge).toBe('SMS_MFA');
    expect(asked.parameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: 'SMS',
      CODE_DELIVERY_DESTINATION: '+*******0123',
    });
    const sent = standIn.sentMessages(poolId, 'dave').at(-1);
    expect(sent).toMatchObject({ medium: 'SMS', destination: '+15555550123', purpose: 'MFA' });
    expect(sent?.code).toMatch(/^\d{6}$/);
    const wrong = sent?.code === '000000' ? '111111' : '000000';
    expect(await failure(stepOf((cb) => user.sendMFACode(wrong, cb)))).toEqual({
      code: 'CodeMismatchException',
      message: 'Invalid code received for user',
    });
    const done = await stepOf((cb) => user.sendMFACode(standIn.lastCode(poolId, 'dave'), cb));
    expect(done.step).toBe('signedIn');
  });

  it('SOFTWARE_TOKEN_MFA: the code of the enrolled authenticator signs in once; the same code again is refused', async () => {
    standIn.createUser(poolId, 'erin', { password: PASSWORD });
    const secret = standIn.enrolTotp(poolId, 'erin');
    standIn.setUserMfa(poolId, 'erin', { SOFTWARE_TOKEN_MFA: { enabled: true, preferred: true } });
    const first = signIn('erin');
    expect(expectStep(await first.step, 'totpRequired').challenge).toBe('SOFTWARE_TOKEN_MFA');
    const code = standIn.totpCode(secret);
    expect((await stepOf((cb) => first.user.sendMFACode(code, cb, 'SOFTWARE_TOKEN_MFA'))).step).toBe(
      'signedIn',
    );
    const again = signIn('erin');
    expectStep(await again.step, 'totpRequired');
    expect((await failure(stepOf((cb) => again.user.sendMFACode(code, cb, 'SOFTWARE_TOKEN_MFA')))).code).toBe(
      'CodeMismatchException',
    );
  });

  it('SELECT_MFA_TYPE: two active factors and no preference offer MFAS_CAN_CHOOSE; the chosen one is asked', async () => {
    standIn.createUser(poolId, 'frank', { password: PASSWORD, attributes: { phone_number: '+15555550199' } });
    const secret = standIn.enrolTotp(poolId, 'frank');
    standIn.setUserMfa(poolId, 'frank', {
      SMS_MFA: { enabled: true },
      SOFTWARE_TOKEN_MFA: { enabled: true },
    });
    const { user, step } = signIn('frank');
    const asked = expectStep(await step, 'selectMFAType');
    expect(JSON.parse(asked.parameters.MFAS_CAN_CHOOSE ?? '')).toEqual(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    const totp = await new Promise<Step>((resolve, reject) =>
      user.sendMFASelectionAnswer('SOFTWARE_TOKEN_MFA', {
        onSuccess: reject,
        onFailure: reject,
        totpRequired: (challenge, parameters) => resolve({ step: 'totpRequired', challenge, parameters }),
      }),
    );
    expect(totp.step).toBe('totpRequired');
    expect(
      (await stepOf((cb) => user.sendMFACode(standIn.totpCode(secret), cb, 'SOFTWARE_TOKEN_MFA'))).step,
    ).toBe('signedIn');
  });

  it('MFA_SETUP: with MFA ON and no factor, the user enrols TOTP in the sign-in (AssociateSoftwareToken, VerifySoftwareToken)', async () => {
    const required = standIn.createPool({ mfa: 'ON', mfaFactors: ['SOFTWARE_TOKEN_MFA'] });
    const app = standIn.createClient(required.poolId, { explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
    standIn.createUser(required.poolId, 'grace', { password: PASSWORD });
    const client = clientFor(standIn.endpoint, required.poolId, app.clientId);
    const { user, step } = client.signIn('grace', PASSWORD, 'USER_PASSWORD_AUTH');
    const asked = expectStep(await step, 'mfaSetup');
    expect(JSON.parse(asked.parameters.MFAS_CAN_SETUP ?? '')).toEqual(['SOFTWARE_TOKEN_MFA']);
    const secret = await new Promise<string>((resolve, reject) =>
      user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }),
    );
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);
    const verify = (code: string) =>
      new Promise<unknown>((resolve, reject) =>
        user.verifySoftwareToken(code, 'phone', { onSuccess: resolve, onFailure: reject }),
      );
    const wrongCode = standIn.totpCode(secret) === '123456' ? '654321' : '123456';
    expect((await failure(verify(wrongCode))).code).toBe('EnableSoftwareTokenMFAException');
    await verify(standIn.totpCode(secret));
    // Enrolled: the next sign-in asks for the authenticator's code.
    standIn.advanceClock(30);
    const next = client.signIn('grace', PASSWORD, 'USER_PASSWORD_AUTH');
    expectStep(await next.step, 'totpRequired');
    expect(
      (await stepOf((cb) => next.user.sendMFACode(standIn.totpCode(secret), cb, 'SOFTWARE_TOKEN_MFA'))).step,
    ).toBe('signedIn');
  });
});

describe('CUSTOM_AUTH (CUSTOM_CHALLENGE answered with ANSWER)', () => {
  it('shows the public parameters, gives another try after a wrong answer, refuses after maxAttempts, signs in with the answer', async () => {
    const { poolId } = standIn.createPool();
    const { clientId } = standIn.createClient(poolId);
    standIn.createUser(poolId, 'heidi', { password: PASSWORD });
    standIn.setCustomChallenge(poolId, 'heidi', {
      answer: 'blue',
      parameters: { question: 'favourite colour?' },
      maxAttempts: 2,
    });
    const client = clientFor(standIn.endpoint, poolId, clientId);
    const start = () => {
      const u = client.user('heidi');
      u.setAuthenticationFlowType('CUSTOM_AUTH');
      const details = new identityJs.AuthenticationDetails({ Username: 'heidi' });
      return { u, step: stepOf((cb) => u.initiateAuth(details, cb)) };
    };
    const first = start();
    expect(expectStep(await first.step, 'customChallenge').parameters).toEqual({
      question: 'favourite colour?',
      USERNAME: 'heidi',
    });
    expectStep(await stepOf((cb) => first.u.sendCustomChallengeAnswer('red', cb)), 'customChallenge');
    expect(await failure(stepOf((cb) => first.u.sendCustomChallengeAnswer('green', cb)))).toEqual({
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    const second = start();
    expectStep(await second.step, 'customChallenge');
    expectStep(await stepOf((cb) => second.u.sendCustomChallengeAnswer('blue', cb)), 'signedIn');
  });

  it('is refused when the client lacks ALLOW_CUSTOM_AUTH', async () => {
    const { poolId } = standIn.createPool();
    const { clientId } = standIn.createClient(poolId, { explicitAuthFlows: ['ALLOW_USER_SRP_AUTH'] });
    const sdk = sdkClient(standIn.endpoint);
    expect(
      await rejected(
        sdk.send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: 'x' },
          }),
        ),
      ),
    ).toMatchObject({
      type: 'InvalidParameterException',
      message: 'CUSTOM_AUTH flow not enabled for this client',
    });
    sdk.destroy();
  });
});

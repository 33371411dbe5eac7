// The Cognito stand-in on the wire and at its edges: AWS JSON 1.1 framing, error shapes, request
// validation, SECRET_HASH, sessions and codes that expire, account states, SRP input checks, and injected
// errors.
// References:
//   AWS JSON 1.1 protocol (Smithy): https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
//   Common errors (API reference): https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
//   InitiateAuth / RespondToAuthChallenge "Errors" sections:
//       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
//       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
//   Computing secret hash values (developer guide):
//       https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html#cognito-user-pools-computing-secret-hash
//   CreateUserPoolClient AuthSessionValidity:
//       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
import { createHmac } from 'node:crypto';
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '../src/index.js';
import { useShortSrpSecrets } from './support/identity-js.js';
import { srpClient } from './support/srp-client.js';
import { PASSWORD, rejected, sdkClient } from './support/standin.js';

let standIn: CognitoStandIn;
let sdk: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;
const key = generateTestKey({ alg: 'RS256', kid: 'standin-protocol' });

let restoreSrpSecrets: () => void;

beforeAll(async () => {
  restoreSrpSecrets = useShortSrpSecrets();
  standIn = await startCognitoStandIn({ signingKey: key });
  sdk = sdkClient(standIn.endpoint);
  ({ poolId } = standIn.createPool({ mfa: 'OPTIONAL' }));
  ({ clientId } = standIn.createClient(poolId, {
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH'],
    authSessionValidityMinutes: 15,
  }));
  standIn.createUser(poolId, 'quinn', { password: PASSWORD, attributes: { phone_number: '+15555550177' } });
  standIn.setUserMfa(poolId, 'quinn', { SMS_MFA: { enabled: true } });
});
afterAll(async () => {
  restoreSrpSecrets?.();
  sdk?.destroy();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

async function post(target: string, body: string, contentType = 'application/x-amz-json-1.1') {
  const res = await fetch(`${standIn.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-amz-target': target },
    body,
  });
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    json: (await res.json()) as Record<string, unknown>,
  };
}

const passwordAuth = (AuthParameters: Record<string, string>, client = clientId) =>
  sdk.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: client, AuthParameters }));

describe('AWS JSON 1.1 framing', () => {
  it('answers an error with __type and message, and x-amzn-ErrorType with the suffix clients strip', async () => {
    const answer = await post(
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'quinn', PASSWORD: 'Wrong-passw0rd!' },
      }),
    );
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    expect(answer.errorType).toMatch(/^NotAuthorizedException:http:\/\/internal\.amazon\.com\/coral\//);
  });

  it('refuses an unknown X-Amz-Target, another Content-Type, a body that is not a JSON object, and a body over 1 MiB', async () => {
    const unknown = await post('AWSCognitoIdentityProviderService.AdminDeleteUser', '{}');
    expect(unknown.json.__type).toBe('com.amazon.coral.service#UnknownOperationException');
    expect(unknown.errorType).toMatch(/^UnknownOperationException:/);
    expect(
      (await post('AWSCognitoIdentityProviderService.GetUser', '{}', 'application/json')).json.__type,
    ).toBe('com.amazon.coral.service#SerializationException');
    for (const body of ['{not json', '[1,2]', '"text"']) {
      expect((await post('AWSCognitoIdentityProviderService.GetUser', body)).json.__type).toBe(
        'com.amazon.coral.service#SerializationException',
      );
    }
    const huge = await post(
      'AWSCognitoIdentityProviderService.GetUser',
      JSON.stringify({ AccessToken: 'x'.repeat(1024 * 1024 + 1) }),
    );
    expect(huge.status).toBe(413);
    expect((await fetch(`${standIn.endpoint}/`)).status).toBe(404);
  });

  it('validates members: a required one missing fails with the Coral message; a member of the wrong type is a SerializationException', async () => {
    const missing = await post(
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH' }),
    );
    expect(missing.json).toEqual({
      __type: 'InvalidParameterException',
      message:
        "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null",
    });
    const wrongType = await post(
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: 7 }),
    );
    expect(wrongType.json.__type).toBe('SerializationException');
    const badMap = await post(
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId, AuthParameters: { USERNAME: 1 } }),
    );
    expect(badMap.json.__type).toBe('SerializationException');
  });

  it('an unknown app client is ResourceNotFoundException; an unknown or admin AuthFlow is InvalidParameterException', async () => {
    expect(await rejected(passwordAuth({ USERNAME: 'quinn', PASSWORD }, 'nosuchclient'))).toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'User pool client nosuchclient does not exist.',
    });
    const flow = (AuthFlow: string) =>
      sdk.send(
        new InitiateAuthCommand({ AuthFlow: AuthFlow as never, ClientId: clientId, AuthParameters: {} }),
      );
    expect((await rejected(flow('MAGIC_AUTH'))).message).toContain(
      "at 'authFlow' failed to satisfy constraint",
    );
    expect(await rejected(flow('ADMIN_USER_PASSWORD_AUTH'))).toMatchObject({
      message: 'Initiate Auth method not supported.',
    });
  });

  it('failNext answers the next call with the injected error (400 for throttling, 500 for an internal error)', async () => {
    standIn.failNext('InitiateAuth', 'TooManyRequestsException');
    standIn.failNext('InitiateAuth', 'InternalErrorException');
    expect(await rejected(passwordAuth({ USERNAME: 'quinn', PASSWORD }))).toMatchObject({
      type: 'TooManyRequestsException',
      status: 400,
    });
    expect(await rejected(passwordAuth({ USERNAME: 'quinn', PASSWORD }))).toMatchObject({
      type: 'InternalErrorException',
      status: 500,
    });
    expect((await passwordAuth({ USERNAME: 'quinn', PASSWORD })).ChallengeName).toBe('SMS_MFA');
  });
});

describe('SECRET_HASH (a client with a secret)', () => {
  it('InitiateAuth and every challenge answer need HMAC-SHA256(secret, USERNAME + ClientId)', async () => {
    const { clientId: id, clientSecret } = standIn.createClient(poolId, {
      explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      secret: true,
    });
    const hash = (username: string) =>
      createHmac('sha256', String(clientSecret))
        .update(username + id)
        .digest('base64');
    expect(await rejected(passwordAuth({ USERNAME: 'quinn', PASSWORD }, id))).toMatchObject({
      type: 'NotAuthorizedException',
      message: `Client ${id} is configured with secret but SECRET_HASH was not received`,
    });
    expect(
      await rejected(passwordAuth({ USERNAME: 'quinn', PASSWORD, SECRET_HASH: hash('someone') }, id)),
    ).toMatchObject({
      message: `Unable to verify secret hash for client ${id}`,
    });
    const asked = await passwordAuth({ USERNAME: 'quinn', PASSWORD, SECRET_HASH: hash('quinn') }, id);
    const answer = (responses: Record<string, string>) =>
      sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: id,
          ChallengeName: 'SMS_MFA',
          Session: asked.Session,
          ChallengeResponses: responses,
        }),
      );
    const code = standIn.lastCode(poolId, 'quinn');
    expect((await rejected(answer({ USERNAME: 'quinn', SMS_MFA_CODE: code }))).message).toContain(
      'SECRET_HASH was not received',
    );
    const done = await answer({ USERNAME: 'quinn', SMS_MFA_CODE: code, SECRET_HASH: hash('quinn') });
    expect(done.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });
});

describe('sessions and codes', () => {
  const answerSms = (
    Session: string | undefined,
    code: string,
    client = clientId,
    ChallengeName = 'SMS_MFA',
  ) =>
    sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: client,
        ChallengeName: ChallengeName as never,
        Session,
        ChallengeResponses: { USERNAME: 'quinn', SMS_MFA_CODE: code },
      }),
    );

  it('a session ends with the client\'s AuthSessionValidity: "Invalid session for the user, session is expired."', async () => {
    const asked = await passwordAuth({ USERNAME: 'quinn', PASSWORD });
    standIn.advanceClock(15 * 60 + 1);
    expect(await rejected(answerSms(asked.Session, standIn.lastCode(poolId, 'quinn')))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid session for the user, session is expired.',
    });
    const again = await passwordAuth({ USERNAME: 'quinn', PASSWORD });
    standIn.expireSessions();
    expect((await rejected(answerSms(again.Session, standIn.lastCode(poolId, 'quinn')))).message).toContain(
      'session is expired',
    );
  });

  it('a session is bound to its client and its challenge, and used once', async () => {
    const other = standIn.createClient(poolId, { explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] });
    const asked = await passwordAuth({ USERNAME: 'quinn', PASSWORD });
    const code = standIn.lastCode(poolId, 'quinn');
    expect(await rejected(answerSms(asked.Session, code, other.clientId))).toMatchObject({
      message: 'Invalid session for the user.',
    });
    expect((await rejected(answerSms(asked.Session, code, clientId, 'SOFTWARE_TOKEN_MFA'))).type).toBe(
      'InvalidParameterException',
    );
    await answerSms(asked.Session, code);
    expect(await rejected(answerSms(asked.Session, code))).toMatchObject({
      message: 'Invalid session for the user.',
    });
    expect(await rejected(answerSms('made-up-session', code))).toMatchObject({
      message: 'Invalid session for the user.',
    });
  });

  it('a code that expired while its session is open is ExpiredCodeException', async () => {
    const asked = await passwordAuth({ USERNAME: 'quinn', PASSWORD });
    standIn.expireCodes();
    expect((await rejected(answerSms(asked.Session, standIn.lastCode(poolId, 'quinn')))).type).toBe(
      'ExpiredCodeException',
    );
  });

  it('a challenge answer without its code or USERNAME is InvalidParameterException "Missing required parameter ..."', async () => {
    const asked = await passwordAuth({ USERNAME: 'quinn', PASSWORD });
    const answer = (ChallengeResponses: Record<string, string>) =>
      sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'SMS_MFA',
          Session: asked.Session,
          ChallengeResponses,
        }),
      );
    expect(await rejected(answer({ USERNAME: 'quinn' }))).toMatchObject({
      message: 'Missing required parameter SMS_MFA_CODE',
    });
    expect(await rejected(answer({ SMS_MFA_CODE: '123456' }))).toMatchObject({
      message: 'Missing required parameter USERNAME',
    });
  });
});

describe('account states are told only after the password is right', () => {
  it.each([
    ['UNCONFIRMED', 'UserNotConfirmedException', 'User is not confirmed.'],
    ['RESET_REQUIRED', 'PasswordResetRequiredException', 'Password reset required for the user'],
  ] as const)('%s: %s', async (status, type, message) => {
    const username = `state-${status.toLowerCase()}`;
    standIn.createUser(poolId, username, { password: PASSWORD, status });
    expect((await rejected(passwordAuth({ USERNAME: username, PASSWORD: 'Wrong-passw0rd!' }))).type).toBe(
      'NotAuthorizedException',
    );
    expect(await rejected(passwordAuth({ USERNAME: username, PASSWORD }))).toMatchObject({ type, message });
  });

  it('a disabled user: NotAuthorizedException "User is disabled."', async () => {
    standIn.createUser(poolId, 'disabled-user', { password: PASSWORD, enabled: false });
    expect(
      (await rejected(passwordAuth({ USERNAME: 'disabled-user', PASSWORD: 'Wrong-passw0rd!' }))).message,
    ).toBe('Incorrect username or password.');
    expect(await rejected(passwordAuth({ USERNAME: 'disabled-user', PASSWORD }))).toMatchObject({
      message: 'User is disabled.',
    });
  });
});

describe('SRP inputs', () => {
  const srpAuth = (SRP_A: string) =>
    sdk.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_SRP_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'quinn', SRP_A },
      }),
    );

  it('SRP_A must be hex and not 0 mod N', async () => {
    expect((await rejected(srpAuth('xyz'))).type).toBe('InvalidParameterException');
    expect((await rejected(srpAuth('0'))).message).toContain('SRP_A mod N must not be 0');
    const N = `ffffffffffffffffc90fdaa22168c234${'0'.repeat(8)}`;
    expect((await srpAuth(N)).ChallengeName).toBe('PASSWORD_VERIFIER');
  });

  it("TIMESTAMP must be in the format AWS clients send and within five minutes of the machine's clock", async () => {
    const verify = async (change: (responses: Record<string, string>) => void, at?: Date) => {
      const srp = srpClient(poolId);
      const asked = await srpAuth(srp.srpA);
      const responses = { USERNAME: 'quinn', ...srp.answer(asked.ChallengeParameters ?? {}, PASSWORD, at) };
      change(responses);
      return sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'PASSWORD_VERIFIER',
          Session: asked.Session,
          ChallengeResponses: responses,
        }),
      );
    };
    // The stand-in's own clock was moved by earlier tests: SRP still works, as TIMESTAMP is the client's.
    standIn.advanceClock(3600);
    expect((await verify(() => {})).ChallengeName).toBe('SMS_MFA');
    expect((await verify(() => {}, new Date(Date.now() - 4 * 60_000))).ChallengeName).toBe('SMS_MFA');
    expect((await rejected(verify((r) => (r.TIMESTAMP = '2025-11-04T09:03:07Z')))).type).toBe(
      'InvalidParameterException',
    );
    // A well-signed answer that hands back another SECRET_BLOCK than the challenge's.
    const otherBlock = Buffer.from('a block this session never sent').toString('base64');
    expect((await rejected(verify((r) => (r.PASSWORD_CLAIM_SECRET_BLOCK = otherBlock)))).type).toBe(
      'NotAuthorizedException',
    );
    expect(await rejected(verify(() => {}, new Date(Date.now() + 6 * 60_000)))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });
});

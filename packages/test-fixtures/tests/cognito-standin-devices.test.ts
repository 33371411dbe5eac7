// Remembered devices on the Cognito stand-in, driven by amazon-cognito-identity-js: it confirms a new device
// itself (ConfirmDevice with the SRP verifier of a random device password) and signs in with it through
// DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER, so a sign-in that skips MFA here proves the stand-in's device
// SRP is Cognito's.
// References:
//   Working with user devices in your user pool (developer guide): https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-device-tracking.html
//   ConfirmDevice       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ConfirmDevice.html
//   UpdateDeviceStatus  https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateDeviceStatus.html
//   ForgetDevice        https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ForgetDevice.html
//   DeviceConfigurationType (ChallengeRequiredOnNewDevice, DeviceOnlyRememberedOnUserPrompt)
//                       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeviceConfigurationType.html
//   AuthenticationResultType.NewDeviceMetadata
//                       https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AuthenticationResultType.html
import { InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '../src/index.js';
import {
  type Client,
  clientFor,
  failure,
  type Step,
  stepOf,
  useShortSrpSecrets,
} from './support/identity-js.js';
import { claimsOf, PASSWORD, rejected, sdkClient } from './support/standin.js';

let standIn: CognitoStandIn;
const key = generateTestKey({ alg: 'RS256', kid: 'standin-devices' });

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

/** A pool that requires SMS MFA and tracks devices, one user with a phone, and a client for it. */
function setUp(mode: 'Always' | 'UserOptIn', challengeRequiredOnNewDevice = true) {
  const { poolId } = standIn.createPool({ mfa: 'ON', mfaFactors: ['SMS_MFA'] });
  standIn.setDeviceTracking(poolId, mode, { challengeRequiredOnNewDevice });
  const { clientId } = standIn.createClient(poolId, {
    explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  standIn.createUser(poolId, 'ivan', { password: PASSWORD, attributes: { phone_number: '+15555550100' } });
  standIn.setUserMfa(poolId, 'ivan', { SMS_MFA: { enabled: true, preferred: true } });
  return { poolId, clientId, client: clientFor(standIn.endpoint, poolId, clientId) };
}

/**
 * Signs in answering SMS MFA when asked; returns the library's final step and the user object. The password
 * goes in the clear (USER_PASSWORD_AUTH) unless SRP is asked for: device SRP runs in both flows, and each
 * SRP proof costs the library's big-integer code about a third of a second.
 */
async function signInWithSms(
  client: Client,
  poolId: string,
  flow: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' = 'USER_PASSWORD_AUTH',
) {
  const { user, step } = client.signIn('ivan', PASSWORD, flow);
  let result: Step = await step;
  const askedMfa = result.step === 'mfaRequired';
  if (askedMfa) result = await stepOf((cb) => user.sendMFACode(standIn.lastCode(poolId, 'ivan'), cb));
  if (result.step !== 'signedIn') throw new Error(`unexpected step ${result.step}`);
  return { user, result, askedMfa };
}

const calledOps = (since: number) =>
  standIn
    .calls()
    .slice(since)
    .map((c) => c.operation);

describe('device tracking "Always" (DeviceOnlyRememberedOnUserPrompt false)', () => {
  it('a new device gets NewDeviceMetadata; the library confirms it, and it is remembered at once', async () => {
    const { poolId, client } = setUp('Always');
    const since = standIn.calls().length;
    const { result, askedMfa } = await signInWithSms(client, poolId);
    expect(askedMfa).toBe(true);
    expect(calledOps(since)).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'ConfirmDevice']);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    expect(result.userConfirmationNecessary).toBe(false);
    const [device] = standIn.devices(poolId, 'ivan');
    expect(device).toMatchObject({ confirmed: true, remembered: true });
    expect(device?.deviceKey).toMatch(/^us-east-1_[0-9a-f-]{36}$/);
    expect(claimsOf(result.session.getAccessToken().getJwtToken()).device_key).toBe(device?.deviceKey);
    // Confirming it again is DeviceKeyExistsException.
    const { ConfirmDeviceCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const sdk = sdkClient(standIn.endpoint);
    const again = sdk.send(
      new ConfirmDeviceCommand({
        AccessToken: result.session.getAccessToken().getJwtToken(),
        DeviceKey: String(device?.deviceKey),
        DeviceSecretVerifierConfig: { PasswordVerifier: 'AAEC', Salt: 'AAEC' },
      }),
    );
    expect((await rejected(again)).type).toBe('DeviceKeyExistsException');
    sdk.destroy();
  });

  it('the next sign-in authenticates the device (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) instead of asking for MFA', async () => {
    const { poolId, client } = setUp('Always');
    await signInWithSms(client, poolId, 'USER_SRP_AUTH');
    const codesBefore = standIn.sentMessages(poolId, 'ivan').length;
    const since = standIn.calls().length;
    // SRP: the library sends DEVICE_KEY with its PASSWORD_VERIFIER answer.
    const { result, askedMfa } = await signInWithSms(client, poolId, 'USER_SRP_AUTH');
    expect(askedMfa).toBe(false);
    expect(standIn.sentMessages(poolId, 'ivan')).toHaveLength(codesBefore);
    expect(calledOps(since)).toEqual([
      'InitiateAuth',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
      'RespondToAuthChallenge',
    ]);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    expect(claimsOf(result.session.getAccessToken().getJwtToken()).device_key).toBe(
      standIn.devices(poolId, 'ivan')[0]?.deviceKey,
    );
    expect(standIn.devices(poolId, 'ivan')).toHaveLength(1);
    // USER_PASSWORD_AUTH: DEVICE_KEY goes in AuthParameters; then DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER.
    const plain = standIn.calls().length;
    expect((await signInWithSms(client, poolId)).askedMfa).toBe(false);
    expect(calledOps(plain)).toEqual(['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
  });

  it('a wrong device password fails DEVICE_PASSWORD_VERIFIER with NotAuthorizedException', async () => {
    const { poolId, client } = setUp('Always');
    await signInWithSms(client, poolId);
    const passwordKey = [...client.storage.items.keys()].find((k) => k.endsWith('.randomPasswordKey'));
    if (!passwordKey) throw new Error('the library cached no device password');
    client.storage.setItem(passwordKey, 'not-the-device-password');
    expect((await failure(client.signIn('ivan', PASSWORD).step)).code).toBe('NotAuthorizedException');
  });

  it('with ChallengeRequiredOnNewDevice false a remembered device does not replace MFA; its key still goes in the token', async () => {
    const { poolId, client } = setUp('Always', false);
    await signInWithSms(client, poolId);
    const since = standIn.calls().length;
    const { askedMfa, result } = await signInWithSms(client, poolId);
    expect(askedMfa).toBe(true);
    // password, SMS code; no device challenge, no second device
    expect(calledOps(since)).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    expect(standIn.devices(poolId, 'ivan')).toHaveLength(1);
    expect(claimsOf(result.session.getAccessToken().getJwtToken()).device_key).toBe(
      standIn.devices(poolId, 'ivan')[0]?.deviceKey,
    );
  });

  it('a refresh token issued to a device refreshes only with its DEVICE_KEY', async () => {
    const { poolId, clientId, client } = setUp('Always');
    const { result } = await signInWithSms(client, poolId);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    const refreshToken = result.session.getRefreshToken().getToken();
    const deviceKey = String(claimsOf(result.session.getAccessToken().getJwtToken()).device_key);
    const sdk = sdkClient(standIn.endpoint);
    const refresh = (params: Record<string, string>) =>
      sdk.send(
        new InitiateAuthCommand({
          AuthFlow: 'REFRESH_TOKEN_AUTH',
          ClientId: clientId,
          AuthParameters: { REFRESH_TOKEN: refreshToken, ...params },
        }),
      );
    expect(await rejected(refresh({}))).toMatchObject({
      type: 'NotAuthorizedException',
      message: 'Invalid Refresh Token',
    });
    const renewed = await refresh({ DEVICE_KEY: deviceKey });
    expect(claimsOf(renewed.AuthenticationResult?.AccessToken).device_key).toBe(deviceKey);
    sdk.destroy();
  });

  it('ForgetDevice: the forgotten key is unknown (ResourceNotFoundException "Device does not exist."), so MFA is asked again', async () => {
    const { poolId, client } = setUp('Always');
    const { result } = await signInWithSms(client, poolId);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    const forgottenKey = standIn.devices(poolId, 'ivan')[0]?.deviceKey ?? '';
    // Forgotten from elsewhere (the SDK), so the library still holds the key: Cognito's "Device does not
    // exist." makes it drop the key and retry without it.
    const { ForgetDeviceCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    const sdk = sdkClient(standIn.endpoint);
    await sdk.send(
      new ForgetDeviceCommand({
        AccessToken: result.session.getAccessToken().getJwtToken(),
        DeviceKey: forgottenKey,
      }),
    );
    sdk.destroy();
    expect(standIn.devices(poolId, 'ivan')).toEqual([]);
    const since = standIn.calls().length;
    const { askedMfa } = await signInWithSms(client, poolId, 'USER_SRP_AUTH');
    expect(askedMfa).toBe(true);
    expect(standIn.calls().slice(since, since + 3)).toEqual([
      { operation: 'InitiateAuth', status: 200 },
      { operation: 'RespondToAuthChallenge', status: 400, errorType: 'ResourceNotFoundException' },
      { operation: 'RespondToAuthChallenge', status: 200 },
    ]);
    expect(standIn.devices(poolId, 'ivan').map((d) => d.deviceKey)).not.toContain(forgottenKey);
  });
});

describe('device tracking "User Opt-In" (DeviceOnlyRememberedOnUserPrompt true)', () => {
  it('ConfirmDevice answers UserConfirmationNecessary; MFA stays until UpdateDeviceStatus remembers the device', async () => {
    const { poolId, client } = setUp('UserOptIn');
    const first = await signInWithSms(client, poolId);
    if (first.result.step !== 'signedIn') throw new Error('not signed in');
    expect(first.result.userConfirmationNecessary).toBe(true);
    expect(standIn.devices(poolId, 'ivan')[0]).toMatchObject({ confirmed: true, remembered: false });

    const notRemembered = await signInWithSms(client, poolId);
    expect(notRemembered.askedMfa).toBe(true);

    await new Promise((resolve, reject) =>
      notRemembered.user.setDeviceStatusRemembered({ onSuccess: resolve, onFailure: reject }),
    );
    expect(standIn.devices(poolId, 'ivan')[0]?.remembered).toBe(true);
    expect((await signInWithSms(client, poolId)).askedMfa).toBe(false);

    await new Promise((resolve, reject) =>
      notRemembered.user.setDeviceStatusNotRemembered({ onSuccess: resolve, onFailure: reject }),
    );
    expect((await signInWithSms(client, poolId)).askedMfa).toBe(true);
  });
});

describe("device operations refuse what is not the caller's", () => {
  it("UpdateDeviceStatus, ForgetDevice and sign-in with another user's device key: ResourceNotFoundException", async () => {
    const { poolId, clientId, client } = setUp('Always');
    const { result } = await signInWithSms(client, poolId);
    if (result.step !== 'signedIn') throw new Error('not signed in');
    standIn.createUser(poolId, 'judy', { password: PASSWORD, attributes: { phone_number: '+15555550111' } });
    standIn.setUserMfa(poolId, 'judy', { SMS_MFA: { enabled: true } });
    const other = client.signIn('judy', PASSWORD, 'USER_PASSWORD_AUTH');
    const asked = await other.step;
    expect(asked.step).toBe('mfaRequired');
    const judy = await stepOf((cb) => other.user.sendMFACode(standIn.lastCode(poolId, 'judy'), cb));
    if (judy.step !== 'signedIn') throw new Error('not signed in');
    const ivanDevice = standIn.devices(poolId, 'ivan')[0]?.deviceKey ?? '';
    const { ForgetDeviceCommand, UpdateDeviceStatusCommand } = await import(
      '@aws-sdk/client-cognito-identity-provider'
    );
    const sdk = sdkClient(standIn.endpoint);
    const AccessToken = judy.session.getAccessToken().getJwtToken();
    expect(
      await rejected(sdk.send(new ForgetDeviceCommand({ AccessToken, DeviceKey: ivanDevice }))),
    ).toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Device does not exist.',
    });
    expect(
      await rejected(
        sdk.send(
          new UpdateDeviceStatusCommand({
            AccessToken,
            DeviceKey: ivanDevice,
            DeviceRememberedStatus: 'not_remembered',
          }),
        ),
      ),
    ).toMatchObject({ type: 'ResourceNotFoundException' });
    expect(standIn.devices(poolId, 'ivan')[0]).toMatchObject({ remembered: true });
    // Nor can judy sign in as ivan's device (it would skip her MFA).
    const { InitiateAuthCommand: Initiate } = await import('@aws-sdk/client-cognito-identity-provider');
    const asDevice = sdk.send(
      new Initiate({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'judy', PASSWORD, DEVICE_KEY: ivanDevice },
      }),
    );
    expect(await rejected(asDevice)).toMatchObject({
      type: 'ResourceNotFoundException',
      message: 'Device does not exist.',
    });
    sdk.destroy();
  });
});

import { hostname } from 'node:os';
import { cognitoFailure } from '../cognito.js';
import type { AuthenticationResult } from '../cognito-api.js';
import { newDeviceSecret } from '../device-secret.js';
import { saveDevice } from '../device-store.js';
import { CliError } from '../errors.js';
import { claimsOf } from '../identity.js';
import type { SignInState } from './types.js';

// After a sign-in that brought NewDeviceMetadata (the pool tracks devices and this one is new),
// `--remember-device` confirms it (ConfirmDevice with the verifier of a new random device password, which
// never leaves this machine), opts in where the pool asks the user to (UserConfirmationNecessary:
// UpdateDeviceStatus "remembered"), and keeps key, group and password 0600 beside the session.

/** A name Cognito lists the device under: `cogauth on <host>`, printable ASCII, bounded. */
function deviceName(): string {
  return `cogauth on ${hostname()
    .replace(/[^\x21-\x7e]/g, '?')
    .slice(0, 64)}`;
}

export async function rememberDevice(
  state: SignInState,
  result: AuthenticationResult,
  profile: string,
): Promise<void> {
  const metadata = result.NewDeviceMetadata;
  if (metadata === undefined || result.AccessToken === undefined) {
    state.answers.note(
      state.device
        ? 'cogauth: this device is already remembered'
        : 'cogauth: --remember-device: Cognito did not offer to track this device (the pool does not remember devices)',
    );
    return;
  }
  const { DeviceKey, DeviceGroupKey } = metadata;
  const secret = newDeviceSecret(DeviceGroupKey, DeviceKey);
  try {
    const confirmed = await state.api.call('ConfirmDevice', {
      AccessToken: result.AccessToken,
      DeviceKey,
      DeviceSecretVerifierConfig: secret.verifierConfig,
      DeviceName: deviceName(),
    });
    if (confirmed.UserConfirmationNecessary) {
      await state.api.call('UpdateDeviceStatus', {
        AccessToken: result.AccessToken,
        DeviceKey,
        DeviceRememberedStatus: 'remembered',
      });
    }
  } catch (error) {
    const why =
      error instanceof CliError
        ? error
        : cognitoFailure('remembering this device failed', error, state.settings);
    state.answers.note(
      `cogauth: warning: ${why.message}; you are logged in, but the device is not remembered`,
    );
    return;
  }
  // Cognito's username from the access token: a sign-in without a challenge never said it otherwise.
  const claimed = claimsOf(result.AccessToken).username;
  const username = typeof claimed === 'string' ? claimed : state.userId;
  const path = saveDevice(state.io.env, {
    version: 1,
    profile,
    clientId: state.clientId,
    ...(state.settings.endpoint ? { endpoint: state.settings.endpoint } : {}),
    ...(state.settings.userPoolId ? { userPoolId: state.settings.userPoolId } : {}),
    username,
    loginNames: state.loginName === username ? [] : [state.loginName],
    deviceKey: DeviceKey,
    deviceGroupKey: DeviceGroupKey,
    devicePassword: secret.password,
  });
  state.answers.note(
    `cogauth: this device is remembered (${path}); later logins here skip MFA where the pool allows. ` +
      '"cogauth logout --forget-device" forgets it',
  );
}

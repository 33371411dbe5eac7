import type { Ctx } from './context.js';
import { deviceOf } from './device-store.js';
import { fail } from './errors.js';
import { type Body, optionalString, optionalStructure, requiredString } from './input.js';
import { bigFrom } from './srp-math.js';

// ConfirmDevice, UpdateDeviceStatus and ForgetDevice, authorised by the user's access token
// (API_ConfirmDevice, API_UpdateDeviceStatus, API_ForgetDevice in the API reference).
// ConfirmDevice: DeviceSecretVerifierConfig.{PasswordVerifier, Salt} are base64 of the verifier's and the
// salt's bytes (amazon-cognito-identity-js sends them so); UserConfirmationNecessary is true exactly when the
// pool's DeviceOnlyRememberedOnUserPrompt is ("User Opt-In"), and the device is remembered at once otherwise.

const MAX_VERIFIER_BYTES = 1024;

function base64Number(text: string | undefined, name: string): bigint {
  if (text === undefined)
    throw fail('InvalidParameterException', `DeviceSecretVerifierConfig.${name} is required`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_VERIFIER_BYTES || bytes.toString('base64') !== text) {
    throw fail('InvalidParameterException', `DeviceSecretVerifierConfig.${name} is not base64`);
  }
  return bigFrom(bytes);
}

export function confirmDevice(ctx: Ctx, body: Body) {
  const { user } = ctx.tokens.userOf(requiredString(body, 'AccessToken'));
  const device = deviceOf(ctx.store, user, requiredString(body, 'DeviceKey', 55));
  if (device.secret) throw fail('DeviceKeyExistsException', 'Device already confirmed.');
  const config = optionalStructure(body, 'DeviceSecretVerifierConfig') ?? {};
  const verifier = base64Number(optionalString(config, 'PasswordVerifier'), 'PasswordVerifier');
  const salt = base64Number(optionalString(config, 'Salt'), 'Salt');
  device.secret = { salt, verifier };
  device.name = optionalString(body, 'DeviceName', 1024);
  const pool = ctx.store.pool(user.poolId);
  const optIn = pool.device?.DeviceOnlyRememberedOnUserPrompt === true;
  device.remembered = !optIn;
  return { UserConfirmationNecessary: optIn };
}

export function updateDeviceStatus(ctx: Ctx, body: Body) {
  const { user } = ctx.tokens.userOf(requiredString(body, 'AccessToken'));
  const device = deviceOf(ctx.store, user, requiredString(body, 'DeviceKey', 55));
  const status = optionalString(body, 'DeviceRememberedStatus');
  if (status !== 'remembered' && status !== 'not_remembered') {
    throw fail(
      'InvalidParameterException',
      "1 validation error detected: Value at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [remembered, not_remembered]",
    );
  }
  device.remembered = status === 'remembered';
  return {};
}

export function forgetDevice(ctx: Ctx, body: Body) {
  const { user } = ctx.tokens.userOf(requiredString(body, 'AccessToken'));
  const device = deviceOf(ctx.store, user, requiredString(body, 'DeviceKey', 55));
  ctx.store.devices.delete(device.key);
  return {};
}

import { CliError } from '../errors.js';
import { SrpSession } from '../srp.js';
import { srpProof } from './srp-proof.js';
import type { ChallengeHandler } from './types.js';

// A remembered device proves itself with SRP (the developer guide's "Signing in with a device"):
// DEVICE_SRP_AUTH is answered with SRP_A of an exchange whose "pool name" is the device group key;
// DEVICE_PASSWORD_VERIFIER with the proof for the device key and the device's own password. The loop adds
// USERNAME, DEVICE_KEY and SECRET_HASH.

export const answerDeviceSrpAuth: ChallengeHandler = async (_challenge, state) => {
  if (!state.device)
    throw new CliError('Cognito asked for DEVICE_SRP_AUTH, but no remembered device was named');
  state.deviceSrp = SrpSession.forDevice(state.device.deviceGroupKey);
  return { responses: { SRP_A: state.deviceSrp.srpA } };
};

export const answerDevicePasswordVerifier: ChallengeHandler = async (challenge, state) => {
  if (!state.device || !state.deviceSrp) {
    throw new CliError('Cognito sent DEVICE_PASSWORD_VERIFIER before DEVICE_SRP_AUTH');
  }
  const { deviceKey, devicePassword } = state.device;
  return {
    responses: srpProof(
      'DEVICE_PASSWORD_VERIFIER',
      state.deviceSrp,
      challenge.parameters,
      deviceKey,
      devicePassword,
    ),
  };
};

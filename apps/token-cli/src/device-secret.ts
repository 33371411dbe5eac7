import { randomBytes } from 'node:crypto';
import { g, hexToBigInt, modPow, N, padHex, privateKeyX } from './srp.js';

/** A device's own password and what ConfirmDevice gets instead of it (the password never leaves this machine). */
export interface DeviceSecret {
  /** base64 of 40 random bytes: the device's SRP password, kept 0600 in the device file. */
  password: string;
  /** ConfirmDevice's DeviceSecretVerifierConfig: base64 of the verifier's and the salt's PAD bytes. */
  verifierConfig: { PasswordVerifier: string; Salt: string };
}

/**
 * The SRP verifier of a new device, as Cognito's own client computes it (amazon-cognito-identity-js
 * generateHashDevice): x = H(PAD(salt) | H(deviceGroupKey | deviceKey | ":" | password)), verifier =
 * g^x mod N, the salt 16 random bytes. `password` and `salt` are injected only by tests.
 */
export function newDeviceSecret(
  deviceGroupKey: string,
  deviceKey: string,
  password: string = randomBytes(40).toString('base64'),
  salt: Buffer = randomBytes(16),
): DeviceSecret {
  const saltValue = hexToBigInt(salt.toString('hex'));
  const x = privateKeyX(deviceGroupKey, deviceKey, password, saltValue);
  const verifier = modPow(g, x, N);
  return {
    password,
    verifierConfig: {
      PasswordVerifier: Buffer.from(padHex(verifier), 'hex').toString('base64'),
      Salt: Buffer.from(padHex(saltValue), 'hex').toString('base64'),
    },
  };
}

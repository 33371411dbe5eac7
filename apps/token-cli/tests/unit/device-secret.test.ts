import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { newDeviceSecret } from '../../src/device-secret.js';

// ConfirmDevice's verifier, computed as Cognito's own client does: amazon-cognito-identity-js (a dev
// dependency only) generates a device password, a salt and the verifier; from the same password and salt
// the CLI must send the same DeviceSecretVerifierConfig, byte for byte (PAD forms included, which differ
// when the salt or verifier has its top bit set, hence several rounds).

interface DeviceHelper {
  generateHashDevice(deviceGroupKey: string, deviceKey: string, cb: (err: unknown) => void): void;
  getRandomPassword(): string;
  getSaltDevices(): string;
  getVerifierDevices(): string;
}
const require = createRequire(import.meta.url);
const AuthenticationHelper: new (poolName: string) => DeviceHelper =
  require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;

const GROUP = '-AbCdEfGhI';
const DEVICE = 'us-east-1_0f8fad5b-d9cb-469f-a165-70867728950e';

function oracle(): { password: string; salt: string; verifier: string } {
  const helper = new AuthenticationHelper('unused');
  let error: unknown;
  helper.generateHashDevice(GROUP, DEVICE, (err) => {
    error = err;
  });
  if (error) throw error;
  return {
    password: helper.getRandomPassword(),
    salt: helper.getSaltDevices(),
    verifier: helper.getVerifierDevices(),
  };
}

describe('newDeviceSecret', () => {
  it('matches amazon-cognito-identity-js for the same device password and salt', () => {
    for (let round = 0; round < 8; round += 1) {
      const expected = oracle();
      const ours = newDeviceSecret(GROUP, DEVICE, expected.password, Buffer.from(expected.salt, 'hex'));
      expect(ours.verifierConfig).toEqual({
        Salt: Buffer.from(expected.salt, 'hex').toString('base64'),
        PasswordVerifier: Buffer.from(expected.verifier, 'hex').toString('base64'),
      });
    }
  });

  it('a new secret each time: 40 random bytes of password, never the same verifier', () => {
    const a = newDeviceSecret(GROUP, DEVICE);
    const b = newDeviceSecret(GROUP, DEVICE);
    expect(Buffer.from(a.password, 'base64')).toHaveLength(40);
    expect(a.password).not.toBe(b.password);
    expect(a.verifierConfig.PasswordVerifier).not.toBe(b.verifierConfig.PasswordVerifier);
  });
});

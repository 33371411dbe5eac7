import { join } from 'node:path';
import { isDeviceGroupKey, isDeviceKey } from './cognito-api.js';
import { userStateDir } from './paths.js';
import { deletePrivateFile, readPrivateFile, writePrivateFile } from './private-file.js';
import { checkProfileName } from './session-store.js';

type Env = Record<string, string | undefined>;

/**
 * A device `login --remember-device` confirmed with Cognito (ConfirmDevice): its key, its group and its
 * own random password, whose SRP proof (DEVICE_SRP_AUTH) stands in for MFA where the pool allows. The
 * password is a credential: the file is 0600 in a 0700 directory and read only when it still is.
 */
export interface RememberedDevice {
  version: 1;
  profile: string;
  clientId: string;
  endpoint?: string;
  userPoolId?: string;
  /** Cognito's username, and the names the user signed in with (an alias such as an email). */
  username: string;
  loginNames: string[];
  deviceKey: string;
  deviceGroupKey: string;
  devicePassword: string;
}

export type FoundDevice =
  | { state: 'none'; path: string }
  | { state: 'refused'; path: string; why: string }
  | { state: 'ok'; path: string; device: RememberedDevice };

/** `<state>/cogauth/devices/<profile>.json`, beside `sessions/`: one remembered device per profile. */
export function devicePath(env: Env, profile: string): string {
  checkProfileName(profile);
  return join(userStateDir(env), 'devices', `${profile}.json`);
}

/** The profile's device file, checked as session files are (mode, owner), and a regular file. */
export function findDevice(env: Env, profile: string): FoundDevice {
  const path = devicePath(env, profile);
  const found = readPrivateFile(path);
  if (found.state !== 'ok') return { ...found, path };
  let parsed: unknown;
  try {
    parsed = JSON.parse(found.text);
  } catch {
    return { state: 'refused', path, why: 'it is not valid JSON' };
  }
  if (!isDevice(parsed) || parsed.profile !== profile) {
    return { state: 'refused', path, why: 'it is not a cogauth device file' };
  }
  return { state: 'ok', path, device: parsed };
}

export function saveDevice(env: Env, device: RememberedDevice): string {
  const path = devicePath(env, device.profile);
  writePrivateFile(path, `${JSON.stringify(device, null, 2)}\n`);
  return path;
}

export function deleteDevice(env: Env, profile: string): boolean {
  return deletePrivateFile(devicePath(env, profile));
}

/** Whether this device belongs to a login of `username` with this app client at this endpoint. */
export function deviceMatches(
  device: RememberedDevice,
  login: { clientId: string; endpoint: string | undefined; username: string },
): boolean {
  return (
    device.clientId === login.clientId &&
    device.endpoint === login.endpoint &&
    (device.username === login.username || device.loginNames.includes(login.username))
  );
}

const isString = (v: unknown): v is string => typeof v === 'string';

function isDevice(value: unknown): value is RememberedDevice {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  return (
    d.version === 1 &&
    isString(d.profile) &&
    isString(d.clientId) &&
    (d.endpoint === undefined || isString(d.endpoint)) &&
    (d.userPoolId === undefined || isString(d.userPoolId)) &&
    isString(d.username) &&
    Array.isArray(d.loginNames) &&
    d.loginNames.every(isString) &&
    isString(d.deviceKey) &&
    isDeviceKey(d.deviceKey) &&
    isString(d.deviceGroupKey) &&
    isDeviceGroupKey(d.deviceGroupKey) &&
    isString(d.devicePassword) &&
    d.devicePassword.length > 0 &&
    d.devicePassword.length <= 256
  );
}

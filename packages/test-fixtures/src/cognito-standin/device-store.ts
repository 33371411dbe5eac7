import { fail } from './errors.js';
import { newDeviceGroupKey, newDeviceKey } from './ids.js';
import type { Device, Pool, User } from './model.js';
import type { Store } from './store.js';

// Devices a pool tracks. A sign-in without DEVICE_KEY in a tracking pool gets NewDeviceMetadata (a new
// device key in the user's device group); ConfirmDevice then stores the device's SRP verifier. A DEVICE_KEY
// the pool does not know for this user is ResourceNotFoundException "Device does not exist." (the message
// amazon-cognito-identity-js looks for before it forgets its cached device and retries).

export function registerNewDevice(store: Store, pool: Pool, user: User): Device {
  user.deviceGroupKey ??= newDeviceGroupKey();
  const device: Device = {
    key: newDeviceKey(pool.region),
    groupKey: user.deviceGroupKey,
    poolId: pool.id,
    username: user.username,
    name: undefined,
    secret: undefined,
    remembered: false,
  };
  store.devices.set(device.key, device);
  return device;
}

/** The confirmed device `key` of this user, or undefined for no key; anything else is refused. */
export function resolveDevice(store: Store, user: User, key: string | undefined): Device | undefined {
  if (key === undefined || key === '') return undefined;
  const device = store.devices.get(key);
  if (!device || device.poolId !== user.poolId || device.username !== user.username || !device.secret) {
    throw fail('ResourceNotFoundException', 'Device does not exist.');
  }
  return device;
}

/** A device of the access token's user, for ConfirmDevice / UpdateDeviceStatus / ForgetDevice. */
export function deviceOf(store: Store, user: User, key: string): Device {
  const device = store.devices.get(key);
  if (!device || device.poolId !== user.poolId || device.username !== user.username) {
    throw fail('ResourceNotFoundException', 'Device does not exist.');
  }
  return device;
}

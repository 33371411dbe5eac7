import type { CognitoStandIn } from './api.js';
import { buildClient, buildPool, buildUser } from './setup.js';
import type { Store } from './store.js';

// What an administrator does in the console or with the Admin* operations: pools, app clients, users, and
// the client and pool settings tests toggle (refresh-token rotation, device tracking).

type AdminApi = Pick<
  CognitoStandIn,
  | 'createPool'
  | 'createClient'
  | 'createUser'
  | 'updateUser'
  | 'setRefreshTokenRotation'
  | 'setDeviceTracking'
>;

export function adminApi(store: Store, endpoint: string, region: string): AdminApi {
  return {
    createPool(options = {}) {
      const pool = buildPool(region, endpoint, options);
      store.pools.set(pool.id, pool);
      return { poolId: pool.id, issuer: pool.issuer, jwksUri: `${pool.issuer}/.well-known/jwks.json` };
    },
    createClient(poolId, options = {}) {
      const client = buildClient(store.pool(poolId), options);
      store.clients.set(client.id, client);
      return client.secret === undefined
        ? { clientId: client.id }
        : { clientId: client.id, clientSecret: client.secret };
    },
    createUser(poolId, username, options = {}) {
      if (store.users.has(store.userKey(poolId, username))) {
        throw new Error(`cognito stand-in: user ${username} exists`);
      }
      const user = buildUser(store.pool(poolId), username, options);
      store.users.set(store.userKey(poolId, username), user);
      return { username, sub: user.sub };
    },
    updateUser(poolId, username, change) {
      const user = store.requireUser(poolId, username);
      if (change.enabled !== undefined) user.enabled = change.enabled;
      if (change.status !== undefined) user.status = change.status;
      Object.assign(user.attributes, change.attributes, { sub: user.sub });
    },
    setRefreshTokenRotation(clientId, rotation) {
      const client = store.client(clientId);
      client.rotation = {
        enabled: rotation.enabled,
        retryGracePeriodSeconds: rotation.retryGracePeriodSeconds ?? 0,
      };
      if (rotation.enabled) client.flows.delete('ALLOW_REFRESH_TOKEN_AUTH');
      else client.flows.add('ALLOW_REFRESH_TOKEN_AUTH');
    },
    setDeviceTracking(poolId, mode, options = {}) {
      store.pool(poolId).device =
        mode === 'Off'
          ? undefined
          : {
              ChallengeRequiredOnNewDevice: options.challengeRequiredOnNewDevice ?? true,
              DeviceOnlyRememberedOnUserPrompt: mode === 'UserOptIn',
            };
    },
  };
}

import type { AddressInfo } from 'node:net';
import { generateTestKey, type TestKey } from '../keys.js';
import type { Ctx } from './context.js';
import {
  addPasskey,
  type DeviceTrackingMode,
  devicesOf,
  enrolTotp,
  Injections,
  messagesFor,
  type StandInDevice,
  type StandInPasskey,
  setMfa,
} from './control.js';
import { Outbox, type SentMessage } from './delivery.js';
import type { CognitoErrorType } from './errors.js';
import { type CallRecord, createFront } from './http-front.js';
import { newKid } from './ids.js';
import type { FactorSetting, MfaFactor, UserStatus } from './model.js';
import { operations } from './operations.js';
import { Sessions } from './sessions.js';
import {
  buildClient,
  buildPool,
  buildUser,
  type StandInClientOptions,
  type StandInPoolOptions,
  type StandInUserOptions,
} from './setup.js';
import { Store } from './store.js';
import { TokenIssuer } from './tokens.js';
import { totpCode } from './totp.js';

export interface CognitoStandInOptions {
  /** Default us-east-1. */
  region?: string;
  /** An RS256 key to sign with (tests that start several stand-ins can share one); default a new one. */
  signingKey?: TestKey;
}

/** Cognito user pools on 127.0.0.1 for the flows cognito-local lacks; see the test-fixtures README. */
export interface CognitoStandIn {
  /** `http://127.0.0.1:<port>`: the Cognito endpoint and the issuer's base. */
  endpoint: string;
  port: number;
  region: string;
  createPool(options?: StandInPoolOptions): { poolId: string; issuer: string; jwksUri: string };
  createClient(poolId: string, options?: StandInClientOptions): { clientId: string; clientSecret?: string };
  createUser(
    poolId: string,
    username: string,
    options?: StandInUserOptions,
  ): { username: string; sub: string };
  updateUser(
    poolId: string,
    username: string,
    change: { enabled?: boolean; status?: UserStatus; attributes?: Record<string, string> },
  ): void;
  /** AdminSetUserMFAPreference: enable factors and pick the preferred one. */
  setUserMfa(
    poolId: string,
    username: string,
    settings: Partial<Record<MfaFactor, Partial<FactorSetting>>>,
  ): void;
  /** A verified authenticator for the user; returns its base32 secret (enable it with setUserMfa). */
  enrolTotp(poolId: string, username: string): string;
  /** The code an authenticator shows for `secret` on the stand-in's clock (optionally `stepOffset` steps away). */
  totpCode(secret: string, stepOffset?: number): string;
  /** Codes "sent" by SMS or email, oldest first; never logged. */
  sentMessages(poolId?: string, username?: string): SentMessage[];
  /** The newest code sent to the user; throws when none was. */
  lastCode(poolId: string, username: string): string;
  /** In place of the custom-auth Lambda triggers. */
  setCustomChallenge(
    poolId: string,
    username: string,
    challenge: { answer: string; parameters?: Record<string, string>; maxAttempts?: number },
  ): void;
  addPasskey(poolId: string, username: string, passkey: StandInPasskey): void;
  /** Enabling takes ALLOW_REFRESH_TOKEN_AUTH off the client; disabling puts it back. */
  setRefreshTokenRotation(
    clientId: string,
    rotation: { enabled: boolean; retryGracePeriodSeconds?: number },
  ): void;
  /** Always / UserOptIn set DeviceOnlyRememberedOnUserPrompt false / true; Off stops remembering devices. */
  setDeviceTracking(
    poolId: string,
    mode: DeviceTrackingMode,
    options?: { challengeRequiredOnNewDevice?: boolean },
  ): void;
  devices(poolId: string, username: string): StandInDevice[];
  now(): number;
  advanceClock(seconds: number): void;
  expireSessions(): void;
  expireCodes(): void;
  /** The next call of `operation` fails with this error (TooManyRequestsException, InternalErrorException, ...). */
  failNext(operation: string, type: CognitoErrorType, message?: string): void;
  /** Operations called so far with their status (no request or response bodies). */
  calls(): CallRecord[];
  /** Bugs in the stand-in (answered as InternalErrorException); a test can assert there are none. */
  internalErrors(): unknown[];
  close(): Promise<void>;
}

export async function startCognitoStandIn(options: CognitoStandInOptions = {}): Promise<CognitoStandIn> {
  const region = options.region ?? 'us-east-1';
  const store = new Store();
  const key = options.signingKey ?? generateTestKey({ alg: 'RS256', kid: newKid() });
  const ctx: Ctx = {
    store,
    sessions: new Sessions(() => store.now()),
    tokens: new TokenIssuer(store, key),
    outbox: new Outbox(store),
  };
  const injections = new Injections();
  const calls: CallRecord[] = [];
  const internal: unknown[] = [];
  const server = createFront({
    operations: operations(ctx),
    jwksFor: (poolId) => (store.pools.has(poolId) ? ctx.tokens.jwks() : undefined),
    injected: (operation) => injections.take(operation),
    calls,
    onInternalError: (error) => internal.push(error),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;
  const user = (poolId: string, username: string) => store.requireUser(poolId, username);

  return {
    endpoint,
    port,
    region,
    createPool(poolOptions = {}) {
      const pool = buildPool(region, endpoint, poolOptions);
      store.pools.set(pool.id, pool);
      return { poolId: pool.id, issuer: pool.issuer, jwksUri: `${pool.issuer}/.well-known/jwks.json` };
    },
    createClient(poolId, clientOptions = {}) {
      const client = buildClient(store.pool(poolId), clientOptions);
      store.clients.set(client.id, client);
      return client.secret === undefined
        ? { clientId: client.id }
        : { clientId: client.id, clientSecret: client.secret };
    },
    createUser(poolId, username, userOptions = {}) {
      if (store.users.has(store.userKey(poolId, username)))
        throw new Error(`cognito stand-in: user ${username} exists`);
      const created = buildUser(store.pool(poolId), username, userOptions);
      store.users.set(store.userKey(poolId, username), created);
      return { username, sub: created.sub };
    },
    updateUser(poolId, username, change) {
      const u = user(poolId, username);
      if (change.enabled !== undefined) u.enabled = change.enabled;
      if (change.status !== undefined) u.status = change.status;
      Object.assign(u.attributes, change.attributes, { sub: u.sub });
    },
    setUserMfa: (poolId, username, settings) => setMfa(user(poolId, username), settings),
    enrolTotp: (poolId, username) => enrolTotp(store, user(poolId, username)),
    totpCode: (secret, stepOffset = 0) => totpCode(secret, store.now() + stepOffset * 30_000),
    sentMessages: (poolId, username) => messagesFor(ctx.outbox.messages, poolId, username),
    lastCode(poolId, username) {
      const last = messagesFor(ctx.outbox.messages, poolId, username).at(-1);
      if (!last) throw new Error(`cognito stand-in: no code was sent to ${username}`);
      return last.code;
    },
    setCustomChallenge(poolId, username, challenge) {
      user(poolId, username).customChallenge = {
        answer: challenge.answer,
        parameters: { ...challenge.parameters },
        maxAttempts: challenge.maxAttempts ?? 3,
      };
    },
    addPasskey: (poolId, username, passkey) => addPasskey(user(poolId, username), passkey),
    setRefreshTokenRotation(clientId, rotation) {
      const client = store.client(clientId);
      client.rotation = {
        enabled: rotation.enabled,
        retryGracePeriodSeconds: rotation.retryGracePeriodSeconds ?? 0,
      };
      if (rotation.enabled) client.flows.delete('ALLOW_REFRESH_TOKEN_AUTH');
      else client.flows.add('ALLOW_REFRESH_TOKEN_AUTH');
    },
    setDeviceTracking(poolId, mode, trackingOptions = {}) {
      store.pool(poolId).device =
        mode === 'Off'
          ? undefined
          : {
              ChallengeRequiredOnNewDevice: trackingOptions.challengeRequiredOnNewDevice ?? true,
              DeviceOnlyRememberedOnUserPrompt: mode === 'UserOptIn',
            };
    },
    devices: (poolId, username) => devicesOf(store, user(poolId, username)),
    now: () => store.now(),
    advanceClock: (seconds) => store.advance(seconds),
    expireSessions: () => ctx.sessions.expireAll(),
    expireCodes: () => ctx.sessions.expireCodes(),
    failNext: (operation, type, message = `${type} (injected by the test)`) =>
      injections.add(operation, type, message),
    calls: () => calls.map((c) => ({ ...c })),
    internalErrors: () => [...internal],
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

import { createPublicKey, type JsonWebKey, type KeyObject, randomBytes } from 'node:crypto';
import type { CognitoStandIn } from './api.js';
import type { Outbox, SentMessage } from './delivery.js';
import { type CognitoErrorType, CognitoServiceError } from './errors.js';
import type { Device, FactorSetting, MfaFactor, User } from './model.js';
import type { Store } from './store.js';
import { base32Encode, totpCode, totpStep } from './totp.js';

// The test-control side of the stand-in: what an administrator or a Lambda trigger would do in Cognito, and
// what a test needs to see that no client can (the codes "sent" by SMS or email). In-process only; nothing
// here is reachable over HTTP.

export type DeviceTrackingMode = 'Always' | 'UserOptIn' | 'Off';

export interface StandInDevice {
  deviceKey: string;
  deviceGroupKey: string;
  /** ConfirmDevice stored its verifier. */
  confirmed: boolean;
  remembered: boolean;
  name: string | undefined;
}

export interface StandInPasskey {
  /** The credential id (raw bytes, or base64url). */
  credentialId: Uint8Array | string;
  /** The credential's public key: a KeyObject, a JWK, or PEM / DER SPKI. */
  publicKey: KeyObject | JsonWebKey | string | Uint8Array;
}

export function setMfa(user: User, settings: Partial<Record<MfaFactor, Partial<FactorSetting>>>): void {
  for (const [factor, setting] of Object.entries(settings) as Array<[MfaFactor, Partial<FactorSetting>]>) {
    if (factor === 'SOFTWARE_TOKEN_MFA' && setting.enabled && !user.totp) {
      throw new Error(`cognito stand-in: ${user.username} has no verified authenticator (enrolTotp first)`);
    }
    user.mfa[factor] = {
      enabled: setting.enabled ?? user.mfa[factor].enabled,
      preferred: setting.preferred ?? false,
    };
    if (user.mfa[factor].preferred) {
      for (const [other, value] of Object.entries(user.mfa)) if (other !== factor) value.preferred = false;
    }
  }
}

/** Registers a verified authenticator for the user and returns its secret (base32), as if they enrolled. */
export function enrolTotp(store: Store, user: User): string {
  const secret = randomBytes(32);
  user.totp = { secret, lastStep: totpStep(store.now()) - 2 };
  return base32Encode(secret);
}

export function devicesOf(store: Store, user: User): StandInDevice[] {
  return store.devicesOf(user.poolId, user.username).map((d: Device) => ({
    deviceKey: d.key,
    deviceGroupKey: d.groupKey,
    confirmed: d.secret !== undefined,
    remembered: d.remembered,
    name: d.name,
  }));
}

export function addPasskey(user: User, passkey: StandInPasskey): void {
  const id =
    typeof passkey.credentialId === 'string'
      ? Buffer.from(passkey.credentialId, 'base64url')
      : Buffer.from(passkey.credentialId);
  const key = passkey.publicKey;
  let publicKey: KeyObject;
  if (typeof key === 'string' || key instanceof Uint8Array) {
    publicKey = createPublicKey(
      typeof key === 'string' ? key : { key: Buffer.from(key), format: 'der', type: 'spki' },
    );
  } else if ('asymmetricKeyType' in key) {
    publicKey = key as KeyObject;
  } else {
    publicKey = createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
  }
  user.passkeys.push({ credentialId: id, publicKey, signCount: 0 });
}

/** Codes sent so far, newest last, optionally for one user. */
export function messagesFor(messages: SentMessage[], poolId?: string, username?: string): SentMessage[] {
  return messages.filter(
    (m) =>
      (poolId === undefined || m.poolId === poolId) && (username === undefined || m.username === username),
  );
}

/** Errors queued per operation by failNext. */
export class Injections {
  readonly #queue = new Map<string, CognitoServiceError[]>();

  add(operation: string, type: CognitoErrorType, message: string): void {
    const list = this.#queue.get(operation) ?? [];
    list.push(new CognitoServiceError(type, message));
    this.#queue.set(operation, list);
  }

  take(operation: string): CognitoServiceError | undefined {
    return this.#queue.get(operation)?.shift();
  }
}

type UserControls = Pick<
  CognitoStandIn,
  | 'setUserMfa'
  | 'enrolTotp'
  | 'totpCode'
  | 'sentMessages'
  | 'lastCode'
  | 'setCustomChallenge'
  | 'addPasskey'
  | 'devices'
>;

/** What an administrator or a Lambda trigger would set for a user, and what the user's phone would show. */
export function userControls(store: Store, outbox: Outbox): UserControls {
  const user = (poolId: string, username: string) => store.requireUser(poolId, username);
  return {
    setUserMfa: (poolId, username, settings) => setMfa(user(poolId, username), settings),
    enrolTotp: (poolId, username) => enrolTotp(store, user(poolId, username)),
    totpCode: (secret, stepOffset = 0) => totpCode(secret, store.now() + stepOffset * 30_000),
    sentMessages: (poolId, username) => messagesFor(outbox.messages, poolId, username),
    lastCode(poolId, username) {
      const last = messagesFor(outbox.messages, poolId, username).at(-1);
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
    devices: (poolId, username) => devicesOf(store, user(poolId, username)),
  };
}

import type { TestKey } from '../keys.js';
import type { DeviceTrackingMode, StandInDevice, StandInPasskey } from './control.js';
import type { SentMessage } from './delivery.js';
import type { CognitoErrorType } from './errors.js';
import type { CallRecord } from './http-front.js';
import type { FactorSetting, MfaFactor, UserStatus } from './model.js';
import type { StandInClientOptions, StandInPoolOptions, StandInUserOptions } from './setup.js';

// The stand-in as a test sees it: the endpoint clients talk to, and the test-control methods that do what
// an administrator, a Lambda trigger or the passing of time would do in Cognito.

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

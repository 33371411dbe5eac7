// What the stand-in keeps: pools, app clients, users, devices and refresh tokens. Field names follow the
// Cognito API where a setting exists there (MfaConfiguration, ExplicitAuthFlows, DeviceConfiguration,
// RefreshTokenRotation, PreventUserExistenceErrors, AuthSessionValidity, AllowedFirstAuthFactors).

export type MfaConfiguration = 'OFF' | 'ON' | 'OPTIONAL';
/** The MFA factors, named as Cognito names their challenges. */
export type MfaFactor = 'SMS_MFA' | 'EMAIL_OTP' | 'SOFTWARE_TOKEN_MFA';
export type FirstAuthFactor = 'PASSWORD' | 'EMAIL_OTP' | 'SMS_OTP' | 'WEB_AUTHN';
export type ExplicitAuthFlow =
  | 'ALLOW_USER_AUTH'
  | 'ALLOW_USER_SRP_AUTH'
  | 'ALLOW_USER_PASSWORD_AUTH'
  | 'ALLOW_REFRESH_TOKEN_AUTH'
  | 'ALLOW_CUSTOM_AUTH';
export type UserStatus = 'CONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'UNCONFIRMED' | 'RESET_REQUIRED';

export interface DeviceConfiguration {
  /** true: a remembered device signs in with device SRP instead of an MFA code. */
  ChallengeRequiredOnNewDevice: boolean;
  /** true: ConfirmDevice answers UserConfirmationNecessary and the user opts in (UpdateDeviceStatus). */
  DeviceOnlyRememberedOnUserPrompt: boolean;
}

export interface PasswordPolicy {
  MinimumLength: number;
  RequireUppercase: boolean;
  RequireLowercase: boolean;
  RequireNumbers: boolean;
  RequireSymbols: boolean;
}

export interface Pool {
  id: string;
  /** The part of the id after `_`: SRP mixes it into x and the signature. */
  srpName: string;
  region: string;
  issuer: string;
  mfa: MfaConfiguration;
  mfaFactors: Set<MfaFactor>;
  device: DeviceConfiguration | undefined;
  firstAuthFactors: Set<FirstAuthFactor>;
  /** Attributes a user may also sign in with (UsernameAttributes / AliasAttributes). */
  signInAliases: Set<'email' | 'phone_number'>;
  requiredAttributes: string[];
  passwordPolicy: PasswordPolicy;
  /** WebAuthn relying party and the origins a passkey assertion may come from. */
  webAuthn: { relyingPartyId: string; origins: string[]; userVerification: 'required' | 'preferred' };
}

export interface AppClient {
  id: string;
  poolId: string;
  secret: string | undefined;
  flows: Set<ExplicitAuthFlow>;
  rotation: { enabled: boolean; retryGracePeriodSeconds: number };
  preventUserExistenceErrors: 'LEGACY' | 'ENABLED';
  enableTokenRevocation: boolean;
  authSessionValidityMinutes: number;
  accessTokenSeconds: number;
  idTokenSeconds: number;
  refreshTokenSeconds: number;
}

export interface FactorSetting {
  enabled: boolean;
  preferred: boolean;
}

export interface Passkey {
  credentialId: Buffer;
  publicKey: import('node:crypto').KeyObject;
  signCount: number;
}

export interface CustomChallenge {
  answer: string;
  parameters: Record<string, string>;
  maxAttempts: number;
}

export interface User {
  poolId: string;
  username: string;
  sub: string;
  attributes: Record<string, string>;
  groups: string[];
  status: UserStatus;
  enabled: boolean;
  /** SRP verifier and salt; undefined for a passwordless user. No password is stored. */
  password: { salt: bigint; verifier: bigint } | undefined;
  mfa: Record<MfaFactor, FactorSetting>;
  /** A verified authenticator secret (AssociateSoftwareToken + VerifySoftwareToken), and its last used step. */
  totp: { secret: Buffer; lastStep: number } | undefined;
  /** A secret from AssociateSoftwareToken(AccessToken) waiting for VerifySoftwareToken. */
  pendingTotp: Buffer | undefined;
  customChallenge: CustomChallenge | undefined;
  passkeys: Passkey[];
  deviceGroupKey: string | undefined;
  failedSignIns: number;
  lockedUntil: number;
}

export interface Device {
  key: string;
  groupKey: string;
  poolId: string;
  username: string;
  name: string | undefined;
  /** Set by ConfirmDevice; a device without it cannot sign in with device SRP. */
  secret: { salt: bigint; verifier: bigint } | undefined;
  remembered: boolean;
}

export interface RefreshRecord {
  token: string;
  poolId: string;
  clientId: string;
  username: string;
  /** The sign-in this token descends from: RevokeToken revokes the whole family. */
  originJti: string;
  deviceKey: string | undefined;
  authTime: number;
  expiresAt: number;
  /** Set when rotation replaced it: usable until then (RetryGracePeriodSeconds), refused after. */
  replacedUntil: number | undefined;
}

import { randomUUID } from 'node:crypto';
import type { CognitoServiceError } from './errors.js';
import { newClientId, newClientSecret, newPoolId } from './ids.js';
import type {
  AppClient,
  DeviceConfiguration,
  ExplicitAuthFlow,
  FirstAuthFactor,
  MfaConfiguration,
  MfaFactor,
  PasswordPolicy,
  Pool,
  User,
  UserStatus,
} from './model.js';
import { checkPolicy, DEFAULT_PASSWORD_POLICY, passwordSecret } from './passwords.js';

// Building pools, app clients and users for the test control API, with Cognito's defaults: ExplicitAuthFlows
// ALLOW_REFRESH_TOKEN_AUTH + ALLOW_USER_SRP_AUTH + ALLOW_CUSTOM_AUTH, PreventUserExistenceErrors LEGACY,
// AuthSessionValidity 3 minutes (3-15), access and ID tokens for 1 hour, refresh tokens for 30 days
// (CreateUserPoolClient in the API reference), the default password policy, MFA OFF.

export interface StandInPoolOptions {
  mfa?: MfaConfiguration;
  /** Factors the pool offers when MFA is not OFF; default all three. */
  mfaFactors?: MfaFactor[];
  /** Device tracking; absent = devices are not remembered. */
  deviceConfiguration?: DeviceConfiguration;
  /** For USER_AUTH; default ['PASSWORD']. */
  allowedFirstAuthFactors?: FirstAuthFactor[];
  /** Attributes users may sign in with besides the username. */
  signInAliases?: Array<'email' | 'phone_number'>;
  /** Attributes NEW_PASSWORD_REQUIRED asks for when the user lacks them. */
  requiredAttributes?: string[];
  passwordPolicy?: Partial<PasswordPolicy>;
  webAuthn?: { relyingPartyId?: string; origins?: string[]; userVerification?: 'required' | 'preferred' };
}

export interface StandInClientOptions {
  secret?: boolean;
  explicitAuthFlows?: ExplicitAuthFlow[];
  refreshTokenRotation?: { enabled: boolean; retryGracePeriodSeconds?: number };
  preventUserExistenceErrors?: 'LEGACY' | 'ENABLED';
  /** Default true, as for a new app client. */
  enableTokenRevocation?: boolean;
  authSessionValidityMinutes?: number;
  accessTokenValiditySeconds?: number;
  idTokenValiditySeconds?: number;
  refreshTokenValiditySeconds?: number;
}

export interface StandInUserOptions {
  /** Omit for a passwordless user. */
  password?: string;
  /** The password is temporary: the user is FORCE_CHANGE_PASSWORD and gets NEW_PASSWORD_REQUIRED. */
  temporary?: boolean;
  status?: UserStatus;
  enabled?: boolean;
  attributes?: Record<string, string>;
  groups?: string[];
}

const DEFAULT_FLOWS: ExplicitAuthFlow[] = [
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_CUSTOM_AUTH',
];

export function buildPool(region: string, baseUrl: string, options: StandInPoolOptions): Pool {
  const id = newPoolId(region);
  const rp = options.webAuthn?.relyingPartyId ?? 'localhost';
  return {
    id,
    srpName: id.slice(id.indexOf('_') + 1),
    region,
    issuer: `${baseUrl}/${id}`,
    mfa: options.mfa ?? 'OFF',
    mfaFactors: new Set(options.mfaFactors ?? ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP']),
    device: options.deviceConfiguration ? { ...options.deviceConfiguration } : undefined,
    firstAuthFactors: new Set(options.allowedFirstAuthFactors ?? ['PASSWORD']),
    signInAliases: new Set(options.signInAliases ?? []),
    requiredAttributes: [...(options.requiredAttributes ?? [])],
    passwordPolicy: { ...DEFAULT_PASSWORD_POLICY, ...options.passwordPolicy },
    webAuthn: {
      relyingPartyId: rp,
      origins: options.webAuthn?.origins ?? [`https://${rp}`],
      userVerification: options.webAuthn?.userVerification ?? 'required',
    },
  };
}

function inRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`cognito stand-in: ${name} must be an integer from ${min} to ${max} (got ${value})`);
  }
  return value;
}

export function buildClient(pool: Pool, options: StandInClientOptions): AppClient {
  const rotation = options.refreshTokenRotation ?? { enabled: false };
  const flows = new Set(options.explicitAuthFlows ?? DEFAULT_FLOWS);
  if (rotation.enabled) {
    if (options.explicitAuthFlows?.includes('ALLOW_REFRESH_TOKEN_AUTH')) {
      throw new Error(
        'cognito stand-in: refreshTokenRotation needs ALLOW_REFRESH_TOKEN_AUTH off (explicitAuthFlows)',
      );
    }
    flows.delete('ALLOW_REFRESH_TOKEN_AUTH');
  }
  return {
    id: newClientId(),
    poolId: pool.id,
    secret: options.secret ? newClientSecret() : undefined,
    flows,
    rotation: {
      enabled: rotation.enabled,
      retryGracePeriodSeconds: inRange(
        'retryGracePeriodSeconds',
        rotation.retryGracePeriodSeconds ?? 0,
        0,
        60,
      ),
    },
    preventUserExistenceErrors: options.preventUserExistenceErrors ?? 'LEGACY',
    enableTokenRevocation: options.enableTokenRevocation ?? true,
    authSessionValidityMinutes: inRange(
      'authSessionValidityMinutes',
      options.authSessionValidityMinutes ?? 3,
      3,
      15,
    ),
    accessTokenSeconds: inRange(
      'accessTokenValiditySeconds',
      options.accessTokenValiditySeconds ?? 3600,
      300,
      86400,
    ),
    idTokenSeconds: inRange('idTokenValiditySeconds', options.idTokenValiditySeconds ?? 3600, 300, 86400),
    refreshTokenSeconds: options.refreshTokenValiditySeconds ?? 30 * 86400,
  };
}

export function buildUser(pool: Pool, username: string, options: StandInUserOptions): User {
  if (options.password !== undefined) {
    try {
      checkPolicy(pool, options.password);
    } catch (error) {
      throw new Error(`cognito stand-in: password of ${username}: ${(error as CognitoServiceError).message}`);
    }
  }
  const sub = randomUUID();
  const off = () => ({ enabled: false, preferred: false });
  return {
    poolId: pool.id,
    username,
    sub,
    attributes: { ...options.attributes, sub },
    groups: [...(options.groups ?? [])],
    status: options.status ?? (options.temporary ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED'),
    enabled: options.enabled ?? true,
    password: options.password === undefined ? undefined : passwordSecret(pool, username, options.password),
    mfa: { SMS_MFA: off(), EMAIL_OTP: off(), SOFTWARE_TOKEN_MFA: off() },
    totp: undefined,
    pendingTotp: undefined,
    customChallenge: undefined,
    passkeys: [],
    deviceGroupKey: undefined,
    failedSignIns: 0,
    lockedUntil: 0,
  };
}

import type { CognitoApi } from '../cognito.js';
import type { Settings } from '../config.js';
import type { RememberedDevice } from '../device-store.js';
import type { Io } from '../output.js';
import type { SrpSession } from '../srp.js';
import type { Answers } from './answers.js';

/** The sign-in flows `cogauth login` starts (InitiateAuth AuthFlow). */
export type AuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'USER_AUTH' | 'CUSTOM_AUTH';

/** USER_AUTH's first factors (SELECT_CHALLENGE's ANSWER, InitiateAuth's PREFERRED_CHALLENGE). */
export const FIRST_FACTORS = ['PASSWORD', 'PASSWORD_SRP', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] as const;
export type FirstFactor = (typeof FIRST_FACTORS)[number];

/** The MFA factors SELECT_MFA_TYPE offers (MFAS_CAN_CHOOSE). */
export const MFA_FACTORS = ['SMS_MFA', 'EMAIL_OTP', 'SOFTWARE_TOKEN_MFA'] as const;
export type MfaFactor = (typeof MFA_FACTORS)[number];

/** What the user chose on the command line for the challenges that ask for a choice or a non-secret. */
export interface SignInChoices {
  /** --challenge: the preferred USER_AUTH first factor. */
  challenge?: FirstFactor;
  /** --mfa: the answer to SELECT_MFA_TYPE. */
  mfa?: MfaFactor;
  /** --attribute name=value, for NEW_PASSWORD_REQUIRED. */
  attributes: Record<string, string>;
  /** The argv forms kept for compatibility (they warn): --new-password, --totp-code. */
  newPasswordFlag?: string;
  totpCodeFlag?: string;
  /** --totp-secret-file: where MFA_SETUP writes the authenticator's otpauth:// URI when stderr is no terminal. */
  totpSecretFile?: string;
}

/** One challenge as Cognito sent it. */
export interface Challenge {
  name: string;
  parameters: Record<string, string>;
  session: string | undefined;
  /** USER_AUTH: AvailableChallenges. */
  available: string[];
}

/**
 * A handler's answer: its ChallengeResponses (the loop adds USERNAME, SECRET_HASH and DEVICE_KEY), the
 * challenge name to answer under, and the session when the handler got a newer one (VerifySoftwareToken).
 */
export interface Reply {
  responses: Record<string, string>;
  name?: string;
  session?: string;
}

/** What the handlers of one sign-in share. */
export interface SignInState {
  io: Io;
  api: CognitoApi;
  settings: Settings;
  clientId: string;
  flow: AuthFlow;
  /** The name typed, then Cognito's username once a challenge names it (USER_ID_FOR_SRP, USERNAME). */
  userId: string;
  /** The name the user typed (an alias, maybe). */
  loginName: string;
  answers: Answers;
  choices: SignInChoices;
  /** The SRP exchange of the password, once SRP_A was sent. */
  srp: SrpSession | undefined;
  /** The remembered device this sign-in names (DEVICE_KEY), if any. */
  device: RememberedDevice | undefined;
  /** The SRP exchange of the device (DEVICE_SRP_AUTH). */
  deviceSrp: SrpSession | undefined;
  /** Cognito does not know the remembered device any more: delete the local file. */
  forgetLocalDevice(): void;
  /** A password was sent or proven: an EMAIL_OTP after it is MFA, before it a one-time sign-in code. */
  passwordDone: boolean;
}

export type ChallengeHandler = (challenge: Challenge, state: SignInState) => Promise<Reply>;

import { CliError } from '../errors.js';
import { answerCustomChallenge } from './custom.js';
import { answerDevicePasswordVerifier, answerDeviceSrpAuth } from './device-srp.js';
import { answerCode } from './mfa-code.js';
import { answerMfaSetup } from './mfa-setup.js';
import { answerNewPassword } from './new-password.js';
import { answerPassword, answerPasswordSrp, answerPasswordVerifier } from './password.js';
import { answerSelectMfaType } from './select-mfa.js';
import type { ChallengeHandler } from './types.js';
import { answerSelectChallenge, refuseWebAuthn } from './user-auth.js';

/**
 * Every challenge InitiateAuth and RespondToAuthChallenge can answer with (ChallengeNameType in the API
 * reference), and who answers it. ADMIN_NO_SRP_AUTH belongs to AdminInitiateAuth, which this CLI never
 * calls; any other name is refused in one line naming it.
 */
export const CHALLENGE_HANDLERS: Readonly<Record<string, ChallengeHandler>> = {
  PASSWORD_VERIFIER: answerPasswordVerifier,
  PASSWORD: answerPassword,
  PASSWORD_SRP: answerPasswordSrp,
  NEW_PASSWORD_REQUIRED: answerNewPassword,
  SMS_MFA: answerCode,
  EMAIL_OTP: answerCode,
  SMS_OTP: answerCode,
  SOFTWARE_TOKEN_MFA: answerCode,
  SELECT_MFA_TYPE: answerSelectMfaType,
  MFA_SETUP: answerMfaSetup,
  CUSTOM_CHALLENGE: answerCustomChallenge,
  SELECT_CHALLENGE: answerSelectChallenge,
  WEB_AUTHN: refuseWebAuthn,
  DEVICE_SRP_AUTH: answerDeviceSrpAuth,
  DEVICE_PASSWORD_VERIFIER: answerDevicePasswordVerifier,
};

export function handlerFor(name: string | undefined): ChallengeHandler {
  if (name !== undefined && Object.hasOwn(CHALLENGE_HANDLERS, name)) {
    return CHALLENGE_HANDLERS[name] as ChallengeHandler;
  }
  const answered = Object.keys(CHALLENGE_HANDLERS).join(', ');
  const admin = name === 'ADMIN_NO_SRP_AUTH' ? ' (it belongs to AdminInitiateAuth, for servers)' : '';
  throw new CliError(
    `Cognito asked for the ${name ?? 'unnamed'} challenge, which cogauth does not answer${admin} (it answers ${answered})`,
  );
}

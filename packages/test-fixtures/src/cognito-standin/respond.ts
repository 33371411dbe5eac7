import { answerPasswordChoice, answerSelectChallenge, answerWebAuthn } from './choice.js';
import { type AuthAnswer, type Ctx, checkAnswerUser } from './context.js';
import { answerCustom } from './custom.js';
import { fail, notAuthorized } from './errors.js';
import { type Body, optionalString, requiredString, stringMap } from './input.js';
import { answerDeviceSrpAuth, answerDeviceVerifier } from './respond-device.js';
import { answerCode, answerMfaSetup, answerSelectMfaType, answerSoftwareToken } from './respond-mfa.js';
import { answerNewPassword, answerPasswordVerifier } from './respond-password.js';
import type { AuthSession } from './sessions.js';

// RespondToAuthChallenge (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html):
// ClientId, ChallengeName, Session, ChallengeResponses, ClientMetadata, AnalyticsMetadata, UserContextData.
// The session must be waiting for ChallengeName; every answer names the user (USERNAME) and, for a client
// with a secret, carries SECRET_HASH; then each challenge's own keys are checked by its handler.

type Answerer = (ctx: Ctx, session: AuthSession, responses: Record<string, string>) => AuthAnswer;

const ANSWERERS: Record<string, Answerer> = {
  PASSWORD_VERIFIER: answerPasswordVerifier,
  NEW_PASSWORD_REQUIRED: answerNewPassword,
  SMS_MFA: answerCode,
  EMAIL_OTP: answerCode,
  SMS_OTP: answerCode,
  SOFTWARE_TOKEN_MFA: answerSoftwareToken,
  SELECT_MFA_TYPE: answerSelectMfaType,
  MFA_SETUP: answerMfaSetup,
  DEVICE_SRP_AUTH: answerDeviceSrpAuth,
  DEVICE_PASSWORD_VERIFIER: answerDeviceVerifier,
  SELECT_CHALLENGE: answerSelectChallenge,
  PASSWORD: answerPasswordChoice,
  PASSWORD_SRP: answerPasswordChoice,
  WEB_AUTHN: answerWebAuthn,
  CUSTOM_CHALLENGE: answerCustom,
};

export function respondToAuthChallenge(ctx: Ctx, body: Body): AuthAnswer {
  const client = ctx.store.client(requiredString(body, 'ClientId', 128));
  const name = requiredString(body, 'ChallengeName');
  const responses = stringMap(body, 'ChallengeResponses');
  const sessionId = optionalString(body, 'Session', 2048);
  const answer = ANSWERERS[name];
  if (!answer) {
    if (name === 'ADMIN_NO_SRP_AUTH') {
      throw fail(
        'InvalidParameterException',
        'ADMIN_NO_SRP_AUTH cannot be answered with RespondToAuthChallenge',
      );
    }
    throw fail(
      'InvalidParameterException',
      `1 validation error detected: Value at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set`,
    );
  }
  const session = ctx.sessions.take(sessionId, client.id, name);
  checkAnswerUser(ctx, session, responses);
  const madeUpUserMayContinue = ['SELECT_CHALLENGE', 'PASSWORD', 'PASSWORD_SRP', 'PASSWORD_VERIFIER'];
  if (session.username === undefined && !madeUpUserMayContinue.includes(name)) {
    throw notAuthorized();
  }
  return answer(ctx, session, responses);
}

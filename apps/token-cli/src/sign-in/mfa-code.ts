import { printable } from '../cognito-api.js';
import type { AnswerKind } from './answers.js';
import type { ChallengeHandler, SignInState } from './types.js';

// Challenges answered with a one-time code: SMS_MFA (SMS_MFA_CODE), SOFTWARE_TOKEN_MFA
// (SOFTWARE_TOKEN_MFA_CODE), EMAIL_OTP (EMAIL_OTP_CODE: email MFA after a password, or USER_AUTH's
// first factor), SMS_OTP (SMS_OTP_CODE: USER_AUTH's first factor). SMS and email codes come with
// CODE_DELIVERY_DELIVERY_MEDIUM and the masked CODE_DELIVERY_DESTINATION, shown so the user knows where to look.

const RESPONSE_KEY: Readonly<Record<string, string>> = {
  SMS_MFA: 'SMS_MFA_CODE',
  SOFTWARE_TOKEN_MFA: 'SOFTWARE_TOKEN_MFA_CODE',
  EMAIL_OTP: 'EMAIL_OTP_CODE',
  SMS_OTP: 'SMS_OTP_CODE',
};

/** `by SMS to +*******0100`, from what Cognito says it sent (printable, bounded: it reaches the terminal). */
function deliveredTo(parameters: Record<string, string>, fallback: string): string {
  const medium = parameters.CODE_DELIVERY_DELIVERY_MEDIUM;
  const destination = parameters.CODE_DELIVERY_DESTINATION;
  const how = medium === 'SMS' ? 'by SMS' : medium === 'EMAIL' ? 'by email' : fallback;
  return destination ? `${how} to ${printable(destination.slice(0, 100))}` : how;
}

/** MFA codes (after a password) and one-time sign-in codes (instead of one) have their own variables. */
function kindOf(name: string, state: SignInState): AnswerKind {
  if (name === 'SMS_OTP') return 'otpCode';
  if (name === 'EMAIL_OTP') return state.passwordDone ? 'mfaCode' : 'otpCode';
  return 'mfaCode';
}

export const answerCode: ChallengeHandler = async (challenge, state) => {
  const { name, parameters } = challenge;
  const totp = name === 'SOFTWARE_TOKEN_MFA';
  const fallback = name.startsWith('SMS') ? 'by SMS' : 'by email';
  const what = totp
    ? 'the code your authenticator app shows'
    : `the code sent ${deliveredTo(parameters, fallback)}`;
  const { value } = await state.answers.answer({
    kind: kindOf(name, state),
    challenge: name,
    what,
    prompt: totp ? 'Authenticator code: ' : `Code sent ${deliveredTo(parameters, fallback)}: `,
    ...(totp ? { flag: { name: '--totp-code', value: state.choices.totpCodeFlag } } : {}),
  });
  return { responses: { [RESPONSE_KEY[name] as string]: value } };
};

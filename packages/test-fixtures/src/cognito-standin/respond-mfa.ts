import { timingSafeEqual } from 'node:crypto';
import { type AuthAnswer, type Ctx, carry } from './context.js';
import { fail, INVALID_CODE, missingParameter, notAuthorized } from './errors.js';
import { askMfaFactor, proceed } from './flow.js';
import type { MfaFactor } from './model.js';
import { passFirstFactor } from './password-factor.js';
import type { AuthSession, SentCode } from './sessions.js';
import { matchTotp } from './totp.js';

// Answers carrying a code: SMS_MFA (SMS_MFA_CODE), EMAIL_OTP (EMAIL_OTP_CODE; email MFA, or the first factor
// of USER_AUTH), SMS_OTP (SMS_OTP_CODE), SOFTWARE_TOKEN_MFA (SOFTWARE_TOKEN_MFA_CODE); and the choices:
// SELECT_MFA_TYPE (ANSWER from MFAS_CAN_CHOOSE) and MFA_SETUP (the Session that VerifySoftwareToken
// returned), per ChallengeResponses in API_RespondToAuthChallenge. A wrong code is CodeMismatchException
// and the session stays open for another try; the third wrong code ends it (Cognito gives no number; three
// is the stricter choice). A TOTP code is accepted once: a replay in the same 30-second step is refused.

const MAX_WRONG_ANSWERS = 3;
const CODE_KEYS = { SMS_MFA: 'SMS_MFA_CODE', EMAIL_OTP: 'EMAIL_OTP_CODE', SMS_OTP: 'SMS_OTP_CODE' } as const;

function wrongAnswer(ctx: Ctx, session: AuthSession): never {
  session.wrongAnswers += 1;
  if (session.wrongAnswers >= MAX_WRONG_ANSWERS) ctx.sessions.end(session);
  throw fail('CodeMismatchException', INVALID_CODE);
}

function sameCode(sent: string, given: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function answerCode(ctx: Ctx, session: AuthSession, responses: Record<string, string>): AuthAnswer {
  const pending = session.pending;
  if (
    pending.challenge !== 'SMS_MFA' &&
    pending.challenge !== 'EMAIL_OTP' &&
    pending.challenge !== 'SMS_OTP'
  ) {
    throw notAuthorized();
  }
  const key = CODE_KEYS[pending.challenge];
  const given = responses[key];
  if (given === undefined) throw missingParameter(key);
  const sent: SentCode = pending.code;
  if (sent.expiresAt <= ctx.store.now()) {
    ctx.sessions.end(session);
    throw fail('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  }
  if (!sameCode(sent.code, given)) wrongAnswer(ctx, session);
  const state = carry(ctx, session);
  if (state.firstFactorDone) {
    state.mfaDone = true;
  } else {
    passFirstFactor(ctx, state, ctx.store.activeUser(state.poolId, state.username ?? ''));
    state.passwordless = true;
  }
  return proceed(ctx, state);
}

export function answerSoftwareToken(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  const given = responses.SOFTWARE_TOKEN_MFA_CODE;
  if (given === undefined) throw missingParameter('SOFTWARE_TOKEN_MFA_CODE');
  const user = ctx.store.activeUser(session.poolId, session.username ?? '');
  if (!user.totp)
    throw fail('SoftwareTokenMFANotFoundException', 'Software Token MFA has not been enabled by the user.');
  const step = matchTotp(user.totp.secret, given, ctx.store.now());
  if (step === undefined || step <= user.totp.lastStep) wrongAnswer(ctx, session);
  user.totp.lastStep = step;
  const state = carry(ctx, session);
  state.mfaDone = true;
  return proceed(ctx, state);
}

export function answerSelectMfaType(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  if (session.pending.challenge !== 'SELECT_MFA_TYPE') throw notAuthorized();
  const answer = responses.ANSWER;
  if (answer === undefined) throw missingParameter('ANSWER');
  if (!session.pending.choices.includes(answer as MfaFactor)) {
    throw fail('InvalidParameterException', `ANSWER must be one of ${session.pending.choices.join(', ')}`);
  }
  const state = carry(ctx, session);
  return askMfaFactor(
    ctx,
    state,
    ctx.store.activeUser(state.poolId, state.username ?? ''),
    answer as MfaFactor,
  );
}

/**
 * MFA_SETUP completes once VerifySoftwareToken accepted a code for the secret AssociateSoftwareToken gave
 * this session: TOTP MFA is then active and preferred for the user. (SMS or email MFA are set up by adding
 * the attribute and signing in again, as the reference says; this challenge cannot complete them.)
 */
export function answerMfaSetup(ctx: Ctx, session: AuthSession): AuthAnswer {
  if (session.pending.challenge !== 'MFA_SETUP') throw notAuthorized();
  if (!session.pending.verified) {
    throw fail(
      'InvalidParameterException',
      'MFA_SETUP needs the Session of a successful VerifySoftwareToken',
    );
  }
  const state = carry(ctx, session);
  const user = ctx.store.activeUser(state.poolId, state.username ?? '');
  for (const factor of Object.values(user.mfa)) factor.preferred = false;
  user.mfa.SOFTWARE_TOKEN_MFA = { enabled: true, preferred: true };
  state.mfaDone = true;
  return proceed(ctx, state);
}

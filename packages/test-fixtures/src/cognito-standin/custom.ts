import { timingSafeEqual } from 'node:crypto';
import { type AuthAnswer, type Ctx, carry } from './context.js';
import { missingParameter, notAuthorized } from './errors.js';
import { askCustom, proceed } from './flow.js';
import { passFirstFactor } from './password-factor.js';
import type { AuthSession } from './sessions.js';

// CUSTOM_CHALLENGE answered with ANSWER (ChallengeResponses in API_RespondToAuthChallenge). Without Lambda
// triggers the stand-in plays the usual Define/Verify pair: a wrong answer gets another CUSTOM_CHALLENGE
// until the user's maxAttempts are used up, then NotAuthorizedException; the right one completes the flow.

export function answerCustom(ctx: Ctx, session: AuthSession, responses: Record<string, string>): AuthAnswer {
  if (session.pending.challenge !== 'CUSTOM_CHALLENGE') throw notAuthorized();
  const given = responses.ANSWER;
  if (given === undefined) throw missingParameter('ANSWER');
  const attempts = session.pending.attempts + 1;
  const state = carry(ctx, session);
  const user = ctx.store.activeUser(state.poolId, state.username ?? '');
  const custom = user.customChallenge;
  if (!custom) throw notAuthorized('Custom auth lambda trigger is not configured for the user pool.');
  const expected = Buffer.from(custom.answer);
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    if (attempts >= custom.maxAttempts) throw notAuthorized();
    return askCustom(ctx, state, user, attempts);
  }
  state.customDone = true;
  if (!state.firstFactorDone) passFirstFactor(ctx, state, user);
  return proceed(ctx, state);
}

import { type AuthAnswer, type Ctx, carry } from './context.js';
import { resolveDevice } from './device-store.js';
import { fail, missingParameter, notAuthorized } from './errors.js';
import { proceed } from './flow.js';
import { passFirstFactor } from './password-factor.js';
import { checkPolicy, passwordSecret, recordFailure, recordSuccess } from './passwords.js';
import type { AuthSession } from './sessions.js';
import { checkSrpProof } from './srp-server.js';

// PASSWORD_VERIFIER (answered with PASSWORD_CLAIM_SIGNATURE, PASSWORD_CLAIM_SECRET_BLOCK, TIMESTAMP,
// USERNAME and optionally DEVICE_KEY) and NEW_PASSWORD_REQUIRED (NEW_PASSWORD plus `userAttributes.<name>`
// for each entry of requiredAttributes), per ChallengeResponses in API_RespondToAuthChallenge.

export function answerPasswordVerifier(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  if (session.pending.challenge !== 'PASSWORD_VERIFIER') throw notAuthorized();
  const user =
    session.username === undefined
      ? undefined
      : ctx.store.users.get(ctx.store.userKey(session.poolId, session.username));
  // Before the session ends: an unknown DEVICE_KEY leaves it open for a retry without one.
  const device = user ? resolveDevice(ctx.store, user, responses.DEVICE_KEY) : undefined;
  const { srp } = session.pending;
  const state = carry(ctx, session);
  if (!user) throw notAuthorized();
  if (device) state.deviceKey = device.key;
  try {
    checkSrpProof(srp, responses, ctx.store.wallClock());
  } catch (error) {
    recordFailure(user, ctx.store.now());
    throw error;
  }
  recordSuccess(user);
  passFirstFactor(ctx, state, user);
  return proceed(ctx, state);
}

export function answerNewPassword(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  const pool = ctx.store.pool(session.poolId);
  const user = ctx.store.activeUser(session.poolId, session.username ?? '');
  const password = responses.NEW_PASSWORD;
  if (password === undefined) throw missingParameter('NEW_PASSWORD');
  checkPolicy(pool, password);
  const given: Record<string, string> = {};
  for (const [key, value] of Object.entries(responses)) {
    if (key.startsWith('userAttributes.')) given[key.slice('userAttributes.'.length)] = value;
  }
  if (given.sub !== undefined)
    throw fail('InvalidParameterException', 'Cannot modify the non-mutable attribute sub');
  for (const name of pool.requiredAttributes) {
    if (user.attributes[name] === undefined && given[name] === undefined) {
      throw fail('InvalidParameterException', `Invalid attributes given, ${name} is missing`);
    }
    if (
      user.attributes[name] !== undefined &&
      given[name] !== undefined &&
      given[name] !== user.attributes[name]
    ) {
      throw fail(
        'InvalidParameterException',
        `Cannot modify the already provided required attribute ${name}`,
      );
    }
  }
  const state = carry(ctx, session);
  Object.assign(user.attributes, given);
  user.password = passwordSecret(pool, user.username, password);
  user.status = 'CONFIRMED';
  return proceed(ctx, state);
}

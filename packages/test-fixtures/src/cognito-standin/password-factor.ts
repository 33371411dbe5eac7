import { randomBytes } from 'node:crypto';
import { type AuthAnswer, ask, type Ctx, checkSecretHash } from './context.js';
import { resolveDevice } from './device-store.js';
import { fail, missingParameter, notAuthorized } from './errors.js';
import { proceed } from './flow.js';
import type { AppClient, Pool, User } from './model.js';
import { checkLockout, passwordMatches, recordFailure } from './passwords.js';
import type { SessionState, SignInFlow } from './sessions.js';
import { bigFrom } from './srp-math.js';
import { beginSrp, parseSrpA, srpChallengeParameters } from './srp-server.js';

// The password as first factor, sent in the clear (USER_PASSWORD_AUTH, USER_AUTH PASSWORD) or proven with
// SRP (USER_SRP_AUTH, USER_AUTH PASSWORD_SRP, CUSTOM_AUTH with SRP_A). An unknown USERNAME is
// UserNotFoundException "User does not exist.", or, when the app client's PreventUserExistenceErrors is
// ENABLED, the same answer a wrong password gets (for SRP: a PASSWORD_VERIFIER challenge for a made-up user
// that no proof can pass), per PreventUserExistenceErrors in API_CreateUserPoolClient.

/** The user named by USERNAME (checked against SECRET_HASH), undefined for a made-up one. */
export function identify(
  ctx: Ctx,
  pool: Pool,
  client: AppClient,
  params: Record<string, string>,
): User | undefined {
  const name = params.USERNAME;
  if (name === undefined || name === '') throw missingParameter('USERNAME');
  checkSecretHash(client, name, params.SECRET_HASH);
  const user = ctx.store.findUser(pool.id, name);
  if (user) return user;
  if (client.preventUserExistenceErrors === 'ENABLED') return undefined;
  throw fail('UserNotFoundException', 'User does not exist.');
}

export function newState(client: AppClient, flow: SignInFlow, user: User | undefined): SessionState {
  return {
    poolId: client.poolId,
    clientId: client.id,
    username: user?.username,
    flow,
    authTime: undefined,
    deviceKey: undefined,
    firstFactorDone: false,
    passwordless: false,
    customDone: false,
    mfaDone: false,
    deviceDone: false,
    wrongAnswers: 0,
  };
}

/** A DEVICE_KEY of the user (AuthParameters or ChallengeResponses) joins the sign-in. */
export function joinDevice(
  ctx: Ctx,
  state: SessionState,
  user: User | undefined,
  key: string | undefined,
): void {
  if (!user || key === undefined) return;
  const device = resolveDevice(ctx.store, user, key);
  if (device) state.deviceKey = device.key;
}

export function passFirstFactor(ctx: Ctx, state: SessionState, user: User): void {
  if (!user.enabled) throw notAuthorized('User is disabled.');
  state.firstFactorDone = true;
  state.authTime = Math.floor(ctx.store.now() / 1000);
}

/** USER_PASSWORD_AUTH and USER_AUTH's PASSWORD. */
export function passwordSignIn(
  ctx: Ctx,
  state: SessionState,
  pool: Pool,
  user: User | undefined,
  password: string | undefined,
): AuthAnswer {
  if (password === undefined) throw missingParameter('PASSWORD');
  if (!user) throw notAuthorized();
  checkLockout(user, ctx.store.now());
  if (!passwordMatches(pool, user, password)) {
    recordFailure(user, ctx.store.now());
    throw notAuthorized();
  }
  passFirstFactor(ctx, state, user);
  return proceed(ctx, state);
}

/** The PASSWORD_VERIFIER challenge for SRP_A. */
export function askPasswordVerifier(
  ctx: Ctx,
  state: SessionState,
  pool: Pool,
  user: User | undefined,
  given: { name: string; srpA: string | undefined },
): AuthAnswer {
  const A = parseSrpA(given.srpA);
  if (user) checkLockout(user, ctx.store.now());
  const secret = user?.password ?? { salt: bigFrom(randomBytes(16)), verifier: bigFrom(randomBytes(384)) };
  const id = user?.username ?? given.name;
  const srp = beginSrp({ group: pool.srpName, id, verifier: secret.verifier, salt: secret.salt, A });
  return ask(
    ctx,
    state,
    { challenge: 'PASSWORD_VERIFIER', srp },
    {
      ...srpChallengeParameters(srp),
      USERNAME: id,
      USER_ID_FOR_SRP: id,
    },
  );
}

import { type AuthAnswer, ask, type Ctx } from './context.js';
import { registerNewDevice } from './device-store.js';
import { fail, notAuthorized } from './errors.js';
import { decideMfa } from './mfa.js';
import type { MfaFactor, Pool, User } from './model.js';
import { recordSuccess } from './passwords.js';
import type { SessionState } from './sessions.js';

// What follows a passed factor, in the order Cognito applies it: a custom challenge (CUSTOM_AUTH), then
// NEW_PASSWORD_REQUIRED for a temporary password, then device authentication (DEVICE_SRP_AUTH) in place of
// MFA for a remembered device when the pool's DeviceConfiguration.ChallengeRequiredOnNewDevice is true,
// else MFA, then the tokens (with NewDeviceMetadata when the pool tracks devices and the client named no
// device). The reference's ChallengeName list (API_RespondToAuthChallenge) names each step.
// Inferred, not documented: a known device that does not replace MFA (not remembered, or
// ChallengeRequiredOnNewDevice false) gets no device challenge, only its key in the tokens -
// amazon-cognito-identity-js answers a DEVICE_SRP_AUTH that follows MFA with the previous Session, which
// would fail, so Cognito cannot be sending one there.

export function proceed(ctx: Ctx, state: SessionState): AuthAnswer {
  const pool = ctx.store.pool(state.poolId);
  const user = ctx.store.activeUser(state.poolId, state.username ?? '');
  if (state.flow === 'CUSTOM_AUTH' && !state.customDone) return askCustom(ctx, state, user, 0);
  checkStatus(user);
  if (user.status === 'FORCE_CHANGE_PASSWORD') return askNewPassword(ctx, state, pool, user);
  const device = state.deviceKey === undefined ? undefined : ctx.store.devices.get(state.deviceKey);
  const deviceReplacesMfa = device?.remembered === true && pool.device?.ChallengeRequiredOnNewDevice === true;
  if (device && !state.deviceDone && deviceReplacesMfa)
    return ask(ctx, state, { challenge: 'DEVICE_SRP_AUTH' }, {});
  if (!state.mfaDone && !state.passwordless && state.flow !== 'CUSTOM_AUTH') {
    const decision = decideMfa(pool, user);
    if (decision.kind === 'factor') return askMfaFactor(ctx, state, user, decision.factor);
    if (decision.kind === 'select') {
      const parameters = { MFAS_CAN_CHOOSE: JSON.stringify(decision.choices) };
      return ask(ctx, state, { challenge: 'SELECT_MFA_TYPE', choices: decision.choices }, parameters);
    }
    if (decision.kind === 'setup') {
      const pending = {
        challenge: 'MFA_SETUP' as const,
        choices: decision.choices,
        secret: undefined,
        verified: false,
      };
      return ask(ctx, state, pending, { MFAS_CAN_SETUP: JSON.stringify(decision.choices) });
    }
  }
  return signedIn(ctx, state, pool, user);
}

/** Refusals that come only after the user proved who they are, so they do not reveal account state. */
function checkStatus(user: User): void {
  if (user.status === 'UNCONFIRMED') throw fail('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'RESET_REQUIRED') {
    throw fail('PasswordResetRequiredException', 'Password reset required for the user');
  }
}

export function askMfaFactor(ctx: Ctx, state: SessionState, user: User, factor: MfaFactor): AuthAnswer {
  if (factor === 'SOFTWARE_TOKEN_MFA') return ask(ctx, state, { challenge: 'SOFTWARE_TOKEN_MFA' }, {});
  const client = ctx.store.client(state.clientId);
  const sms = factor === 'SMS_MFA';
  const sent = ctx.outbox.send(
    {
      poolId: user.poolId,
      username: user.username,
      medium: sms ? 'SMS' : 'EMAIL',
      destination: (sms ? user.attributes.phone_number : user.attributes.email) ?? '',
      purpose: 'MFA',
    },
    client.authSessionValidityMinutes * 60_000,
  );
  return ask(ctx, state, { challenge: factor, code: sent.code }, sent.parameters);
}

/** NEW_PASSWORD_REQUIRED: the user's attributes and the pool's required ones it lacks, as JSON strings. */
function askNewPassword(ctx: Ctx, state: SessionState, pool: Pool, user: User): AuthAnswer {
  const { sub: _sub, ...attributes } = user.attributes;
  const missing = pool.requiredAttributes.filter((name) => user.attributes[name] === undefined);
  return ask(
    ctx,
    state,
    { challenge: 'NEW_PASSWORD_REQUIRED' },
    {
      USER_ID_FOR_SRP: user.username,
      requiredAttributes: JSON.stringify(missing.map((name) => `userAttributes.${name}`)),
      userAttributes: JSON.stringify(attributes),
    },
  );
}

/**
 * CUSTOM_CHALLENGE: the stand-in has no Lambda triggers, so the test control API sets each user's challenge
 * (answer, public parameters, attempts) in place of Define/Create/VerifyAuthChallenge. Cognito's public
 * challenge parameters come from CreateAuthChallenge; USERNAME is added as every challenge's is.
 */
export function askCustom(ctx: Ctx, state: SessionState, user: User, attempts: number): AuthAnswer {
  const custom = user.customChallenge;
  if (!custom) throw notAuthorized('Custom auth lambda trigger is not configured for the user pool.');
  return ask(
    ctx,
    state,
    { challenge: 'CUSTOM_CHALLENGE', attempts },
    {
      ...custom.parameters,
      USERNAME: user.username,
    },
  );
}

function signedIn(ctx: Ctx, state: SessionState, pool: Pool, user: User): AuthAnswer {
  const client = ctx.store.client(state.clientId);
  let deviceKey = state.deviceKey;
  let metadata: { DeviceKey: string; DeviceGroupKey: string } | undefined;
  if (deviceKey === undefined && pool.device !== undefined) {
    const device = registerNewDevice(ctx.store, pool, user);
    deviceKey = device.key;
    metadata = { DeviceKey: device.key, DeviceGroupKey: device.groupKey };
  }
  recordSuccess(user);
  const result = ctx.tokens.issue({
    pool,
    client,
    user,
    deviceKey,
    authTime: state.authTime ?? Math.floor(ctx.store.now() / 1000),
    withRefreshToken: true,
  });
  if (metadata) result.NewDeviceMetadata = metadata;
  return { AuthenticationResult: result, ChallengeParameters: {} };
}

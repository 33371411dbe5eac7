import { type AuthAnswer, ask, type Ctx, carry } from './context.js';
import { fail, missingParameter, notAuthorized } from './errors.js';
import { proceed } from './flow.js';
import type { AppClient, Pool, User } from './model.js';
import {
  askPasswordVerifier,
  identify,
  joinDevice,
  newState,
  passFirstFactor,
  passwordSignIn,
} from './password-factor.js';
import type { AuthSession, SessionState } from './sessions.js';
import { newWebAuthnNonce, requestOptions, verifyAssertion } from './webauthn.js';

// Choice-based sign-in, AuthFlow USER_AUTH (InitiateAuth's AuthParameters: USERNAME, PREFERRED_CHALLENGE;
// RespondToAuthChallenge's SELECT_CHALLENGE answered with ANSWER = PASSWORD | PASSWORD_SRP | EMAIL_OTP |
// SMS_OTP | WEB_AUTHN plus PASSWORD or SRP_A). Without an available PREFERRED_CHALLENGE the answer is
// SELECT_CHALLENGE with AvailableChallenges. Which challenges a user has: PASSWORD and PASSWORD_SRP with a
// password, EMAIL_OTP / SMS_OTP with a verified email / phone number, WEB_AUTHN with a passkey, each only
// if the pool's AllowedFirstAuthFactors has it. Passwordless factors are not offered while the pool's MFA
// is ON (SetUserMFAPreference's WebAuthnMfaSettings: passkey sign-in is available when MFA is required only
// with passkey MFA, which the stand-in does not model); they are not followed by MFA.
// Not documented: what a PREFERRED_CHALLENGE the user lacks does (the stand-in falls back to
// SELECT_CHALLENGE); when Cognito sends the PASSWORD and PASSWORD_SRP challenges the reference lists (the
// stand-in does when PASSWORD or SRP_A is not sent with the choice); and how SELECT_CHALLENGE with ANSWER
// WEB_AUTHN and a CREDENTIAL could have signed a challenge never sent (the stand-in requires WEB_AUTHN first).

export function availableChallenges(pool: Pool, user: User | undefined): string[] {
  const factors = pool.firstAuthFactors;
  const out: string[] = [];
  if (factors.has('PASSWORD') && (user === undefined || user.password)) out.push('PASSWORD', 'PASSWORD_SRP');
  if (!user || pool.mfa === 'ON') return out;
  const a = user.attributes;
  if (factors.has('EMAIL_OTP') && a.email !== undefined && a.email_verified === 'true') out.push('EMAIL_OTP');
  if (factors.has('SMS_OTP') && a.phone_number !== undefined && a.phone_number_verified === 'true')
    out.push('SMS_OTP');
  if (factors.has('WEB_AUTHN') && user.passkeys.length > 0) out.push('WEB_AUTHN');
  return out;
}

export function startUserAuth(
  ctx: Ctx,
  pool: Pool,
  client: AppClient,
  params: Record<string, string>,
): AuthAnswer {
  const user = identify(ctx, pool, client, params);
  const state = newState(client, 'USER_AUTH', user);
  joinDevice(ctx, state, user, params.DEVICE_KEY);
  const available = availableChallenges(pool, user);
  const preferred = params.PREFERRED_CHALLENGE;
  if (preferred !== undefined && available.includes(preferred)) {
    return startChoice(ctx, state, pool, user, preferred, params);
  }
  const answer = ask(ctx, state, { challenge: 'SELECT_CHALLENGE', choices: available }, {});
  return { ...answer, AvailableChallenges: available };
}

export function answerSelectChallenge(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  if (session.pending.challenge !== 'SELECT_CHALLENGE') throw notAuthorized();
  const choice = responses.ANSWER;
  if (choice === undefined) throw missingParameter('ANSWER');
  if (!session.pending.choices.includes(choice)) {
    throw fail('InvalidParameterException', `ANSWER must be one of ${session.pending.choices.join(', ')}`);
  }
  const pool = ctx.store.pool(session.poolId);
  const user =
    session.username === undefined ? undefined : ctx.store.activeUser(session.poolId, session.username);
  const state = carry(ctx, session);
  joinDevice(ctx, state, user, responses.DEVICE_KEY);
  return startChoice(ctx, state, pool, user, choice, responses);
}

function startChoice(
  ctx: Ctx,
  state: SessionState,
  pool: Pool,
  user: User | undefined,
  choice: string,
  values: Record<string, string>,
): AuthAnswer {
  if (choice === 'PASSWORD') {
    if (values.PASSWORD === undefined) return ask(ctx, state, { challenge: 'PASSWORD' }, {});
    return passwordSignIn(ctx, state, pool, user, values.PASSWORD);
  }
  if (choice === 'PASSWORD_SRP') {
    if (values.SRP_A === undefined) return ask(ctx, state, { challenge: 'PASSWORD_SRP' }, {});
    return askPasswordVerifier(ctx, state, pool, user, { name: values.USERNAME ?? '', srpA: values.SRP_A });
  }
  if (!user) throw notAuthorized();
  if (choice === 'WEB_AUTHN') {
    if (values.CREDENTIAL !== undefined) {
      throw fail(
        'InvalidParameterException',
        'Answer the WEB_AUTHN challenge with CREDENTIAL; none was issued yet',
      );
    }
    const nonce = newWebAuthnNonce();
    return ask(
      ctx,
      state,
      { challenge: 'WEB_AUTHN', nonce },
      { CREDENTIAL_REQUEST_OPTIONS: requestOptions(pool, user, nonce) },
    );
  }
  const sms = choice === 'SMS_OTP';
  const client = ctx.store.client(state.clientId);
  const sent = ctx.outbox.send(
    {
      poolId: pool.id,
      username: user.username,
      medium: sms ? 'SMS' : 'EMAIL',
      destination: (sms ? user.attributes.phone_number : user.attributes.email) ?? '',
      purpose: 'SIGN_IN',
    },
    client.authSessionValidityMinutes * 60_000,
  );
  return ask(ctx, state, { challenge: sms ? 'SMS_OTP' : 'EMAIL_OTP', code: sent.code }, sent.parameters);
}

export function answerWebAuthn(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  if (session.pending.challenge !== 'WEB_AUTHN') throw notAuthorized();
  const credential = responses.CREDENTIAL;
  if (credential === undefined) throw missingParameter('CREDENTIAL');
  const { nonce } = session.pending;
  const state = carry(ctx, session);
  const pool = ctx.store.pool(state.poolId);
  const user = ctx.store.activeUser(state.poolId, state.username ?? '');
  verifyAssertion(pool, user, nonce, credential);
  passFirstFactor(ctx, state, user);
  state.passwordless = true;
  return proceed(ctx, state);
}

/** The PASSWORD challenge (answered with PASSWORD) and PASSWORD_SRP (answered with SRP_A). */
export function answerPasswordChoice(
  ctx: Ctx,
  session: AuthSession,
  responses: Record<string, string>,
): AuthAnswer {
  const choice = session.pending.challenge;
  if (choice !== 'PASSWORD' && choice !== 'PASSWORD_SRP') throw notAuthorized();
  const key = choice === 'PASSWORD' ? 'PASSWORD' : 'SRP_A';
  if (responses[key] === undefined) throw missingParameter(key);
  const pool = ctx.store.pool(session.poolId);
  const user =
    session.username === undefined ? undefined : ctx.store.activeUser(session.poolId, session.username);
  return startChoice(ctx, carry(ctx, session), pool, user, choice, responses);
}

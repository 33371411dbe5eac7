import { randomBytes } from 'node:crypto';
import { ask, type Ctx, carry } from './context.js';
import { fail, INVALID_SESSION, notAuthorized } from './errors.js';
import { type Body, optionalString, requiredString } from './input.js';
import type { User } from './model.js';
import type { AuthSession, Pending } from './sessions.js';

type MfaSetup = Extract<Pending, { challenge: 'MFA_SETUP' }>;

import { base32Encode, matchTotp } from './totp.js';

// TOTP enrolment (API_AssociateSoftwareToken, API_VerifySoftwareToken): with the Session of an MFA_SETUP
// challenge during sign-in, or with an access token afterwards. AssociateSoftwareToken answers SecretCode
// (base32) and, for a session, a new Session; VerifySoftwareToken takes UserCode (and FriendlyDeviceName)
// and answers Status SUCCESS with a Session that completes MFA_SETUP. A wrong code is
// EnableSoftwareTokenMFAException. Verifying with an access token registers the authenticator; it becomes an
// MFA factor only through SetUserMFAPreference.

const SECRET_BYTES = 32;

function oneOf(body: Body): { accessToken: string } | { session: string } {
  const accessToken = optionalString(body, 'AccessToken');
  const session = optionalString(body, 'Session', 2048);
  if ((accessToken === undefined) === (session === undefined)) {
    throw fail('InvalidParameterException', 'Provide either AccessToken or Session, not both');
  }
  return accessToken !== undefined ? { accessToken } : { session: session as string };
}

function checkPoolAllowsTotp(ctx: Ctx, poolId: string): void {
  if (!ctx.store.pool(poolId).mfaFactors.has('SOFTWARE_TOKEN_MFA')) {
    throw fail('SoftwareTokenMFANotFoundException', 'Software Token MFA is not enabled for this user pool.');
  }
}

function setupSession(ctx: Ctx, id: string): { session: AuthSession; pending: MfaSetup } {
  const session = ctx.sessions.take(id, undefined, 'MFA_SETUP');
  const pending = session.pending;
  if (pending.challenge !== 'MFA_SETUP') throw notAuthorized(INVALID_SESSION);
  return { session, pending };
}

export function associateSoftwareToken(ctx: Ctx, body: Body) {
  const who = oneOf(body);
  const secret = randomBytes(SECRET_BYTES);
  if ('accessToken' in who) {
    const { user } = ctx.tokens.userOf(who.accessToken);
    checkPoolAllowsTotp(ctx, user.poolId);
    user.pendingTotp = secret;
    return { SecretCode: base32Encode(secret) };
  }
  const { session, pending } = setupSession(ctx, who.session);
  checkPoolAllowsTotp(ctx, session.poolId);
  const { choices } = pending;
  const next = ask(
    ctx,
    carry(ctx, session),
    { challenge: 'MFA_SETUP', choices, secret, verified: false },
    {},
  );
  return { SecretCode: base32Encode(secret), Session: next.Session };
}

function acceptCode(ctx: Ctx, user: User, secret: Buffer, code: string): number {
  const step = matchTotp(secret, code, ctx.store.now());
  if (step === undefined) {
    throw fail('EnableSoftwareTokenMFAException', 'Code mismatch and fail enable Software Token MFA');
  }
  user.totp = { secret, lastStep: step };
  return step;
}

export function verifySoftwareToken(ctx: Ctx, body: Body) {
  const code = requiredString(body, 'UserCode', 6);
  optionalString(body, 'FriendlyDeviceName', 131072);
  const who = oneOf(body);
  if ('accessToken' in who) {
    const { user } = ctx.tokens.userOf(who.accessToken);
    if (!user.pendingTotp)
      throw fail('InvalidParameterException', 'Call AssociateSoftwareToken before VerifySoftwareToken');
    acceptCode(ctx, user, user.pendingTotp, code);
    user.pendingTotp = undefined;
    return { Status: 'SUCCESS' };
  }
  const { session, pending } = setupSession(ctx, who.session);
  const { choices, secret } = pending;
  if (!secret)
    throw fail('InvalidParameterException', 'Call AssociateSoftwareToken before VerifySoftwareToken');
  acceptCode(ctx, ctx.store.activeUser(session.poolId, session.username ?? ''), secret, code);
  const next = ask(ctx, carry(ctx, session), { challenge: 'MFA_SETUP', choices, secret, verified: true }, {});
  return { Status: 'SUCCESS', Session: next.Session };
}

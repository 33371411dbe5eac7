import { CognitoError, cognitoApiAt } from './cognito-api.js';
import type { CommandContext } from './command.js';
import type { Settings } from './config.js';
import { CliError } from './errors.js';
import { exchangeToken } from './oauth.js';
import { type Refreshed, refreshTokens } from './refresh-tokens.js';
import { type SessionTarget, sessionDestination } from './session-destination.js';
import { withSessionLock } from './session-lock.js';
import { loadSession, type StoredSession, saveSession } from './session-store.js';
import type { Issued } from './tokens.js';

type SessionBase = Omit<
  StoredSession,
  'version' | 'accessToken' | 'idToken' | 'refreshToken' | 'expiresAt' | 'username'
>;

/** A session record from fresh tokens; `expiresAt` from the token's exp, else the answer's lifetime. */
export function sessionOf(base: SessionBase, issued: Issued, nowMs = Date.now()): StoredSession {
  const { tokens } = issued;
  return {
    version: 1,
    ...base,
    ...(issued.username === undefined ? {} : { username: issued.username }),
    accessToken: tokens.accessToken,
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    expiresAt: issued.expiresAt ?? nowMs + (tokens.expiresIn ?? 3600) * 1000,
  };
}

/** Where login keeps its pool, client and endpoint: only what refresh needs, never the client secret. */
export function cognitoSessionBase(profile: string, settings: Settings, clientId: string): SessionBase {
  return {
    profile,
    kind: 'cognito',
    clientId,
    ...(settings.userPoolId ? { userPoolId: settings.userPoolId } : {}),
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  };
}

/**
 * The session of this run's profile with an access token valid for at least `marginSeconds` more,
 * refreshed (and saved) when it is not. A refresh holds the profile's lock and reads the session again
 * under it, so concurrent runs refresh once each in turn and never send a refresh token another run has
 * just rotated away. The refresh goes only where `sessionDestination` allows; the client secret, when the
 * app client has one, comes from COGAUTH_CLIENT_SECRET.
 */
export async function freshSession(ctx: CommandContext, marginSeconds: number): Promise<StoredSession> {
  const { env } = ctx.io;
  const profile = ctx.profile();
  const session = loadSession(env, profile);
  const again = profile === 'default' ? 'cogauth login' : `cogauth login --profile ${profile}`;
  if (!session) throw new CliError(`not logged in (profile ${profile}): run "${again}"`);
  if (isFresh(session, marginSeconds)) return session;
  if (!session.refreshToken) throw new CliError(`the session of profile ${profile} expired: run "${again}"`);
  return withSessionLock(env, profile, async () => {
    const current = loadSession(env, profile);
    if (!current) throw new CliError(`not logged in (profile ${profile}): run "${again}"`);
    if (isFresh(current, marginSeconds)) return current;
    const next = await refreshSession(ctx, current, again);
    saveSession(env, next);
    return next;
  });
}

function isFresh(session: StoredSession, marginSeconds: number): boolean {
  return session.expiresAt - Date.now() > marginSeconds * 1000;
}

/** The session with new tokens from its trusted destination, and how its client refreshes. */
async function refreshSession(
  ctx: CommandContext,
  session: StoredSession,
  again: string,
): Promise<StoredSession> {
  const { accessToken, idToken, refreshToken, expiresAt, username, version, refreshWith, ...base } = session;
  const { profile } = session;
  if (!refreshToken) throw new CliError(`the session of profile ${profile} expired: run "${again}"`);
  const destination = sessionDestination(session, ctx.config().settings);
  if (!destination.ok) {
    throw new CliError(
      `cannot refresh the session of profile ${profile}, so nothing was sent: ${destination.reason}. ` +
        `Configure where it belongs, or run "${again}" with this configuration`,
    );
  }
  const secret = ctx.io.env.COGAUTH_CLIENT_SECRET || undefined;
  if (session.kind === 'oauth') {
    return sessionOf(base, await refreshAtDomain(destination, session, refreshToken, secret, again));
  }
  const refreshed = await refreshAtCognito(destination, session, refreshToken, secret, again);
  const via = refreshed.via === 'REFRESH_TOKEN_AUTH' ? {} : { refreshWith: refreshed.via };
  return { ...sessionOf(base, refreshed.issued), ...via };
}

/** `grant_type=refresh_token` at the trusted pool domain; keeps the ID and refresh tokens it does not renew. */
async function refreshAtDomain(
  destination: SessionTarget,
  session: StoredSession,
  refreshToken: string,
  secret: string | undefined,
  again: string,
): Promise<Issued> {
  let answer: Issued;
  try {
    answer = await exchangeToken(
      'refresh failed',
      destination.url.origin,
      { clientId: session.clientId, clientSecret: secret },
      { grant_type: 'refresh_token', refresh_token: refreshToken },
    );
  } catch (error) {
    if (!(error instanceof CliError) || error.exitCode !== 1) throw error;
    throw new CliError(`${error.message}: run "${again}"`, { cause: error });
  }
  const { tokens } = answer;
  return {
    ...answer,
    tokens: {
      ...tokens,
      idToken: tokens.idToken ?? session.idToken,
      refreshToken: tokens.refreshToken ?? refreshToken,
    },
  };
}

/**
 * REFRESH_TOKEN_AUTH, or GetTokensFromRefreshToken for a client that rotates refresh tokens, at the
 * trusted Cognito endpoint (`destination.pool` names it in messages).
 */
async function refreshAtCognito(
  destination: SessionTarget,
  session: StoredSession,
  refreshToken: string,
  secret: string | undefined,
  again: string,
): Promise<Refreshed> {
  const settings: Settings = {
    ...destination.pool,
    clientId: session.clientId,
    ...(session.username ? { username: session.username } : {}),
    ...(secret ? { clientSecret: secret } : {}),
  };
  try {
    return await refreshTokens(
      cognitoApiAt(destination.url),
      settings,
      refreshToken,
      session.refreshWith,
      session.deviceKey,
    );
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CognitoError && REFRESH_TOKEN_REFUSED.has(cause.code)) {
      throw new CliError(`${(error as Error).message}: run "${again}"`, { cause: error });
    }
    throw error;
  }
}

/** Cognito's answers for a refresh token that no longer works (expired, revoked, rotated away). */
const REFRESH_TOKEN_REFUSED = new Set(['NotAuthorizedException', 'RefreshTokenReuseException']);

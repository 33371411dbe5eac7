import { cognitoApiAt } from './cognito-api.js';
import type { CommandContext } from './command.js';
import type { Settings } from './config.js';
import { CliError } from './errors.js';
import { exchangeToken } from './oauth.js';
import { refreshTokens } from './refresh-tokens.js';
import { type SessionTarget, sessionDestination } from './session-destination.js';
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
 * refreshed (and saved) when it is not. The refresh goes only where `sessionDestination` allows; the client
 * secret, when the app client has one, comes from COGAUTH_CLIENT_SECRET.
 */
export async function freshSession(ctx: CommandContext, marginSeconds: number): Promise<StoredSession> {
  const { env } = ctx.io;
  const profile = ctx.profile();
  const session = loadSession(env, profile);
  const again = profile === 'default' ? 'cogauth login' : `cogauth login --profile ${profile}`;
  if (!session) throw new CliError(`not logged in (profile ${profile}): run "${again}"`);
  if (session.expiresAt - Date.now() > marginSeconds * 1000) return session;
  if (!session.refreshToken) throw new CliError(`the session of profile ${profile} expired: run "${again}"`);
  const destination = sessionDestination(session, ctx.config().settings);
  if (!destination.ok) {
    throw new CliError(
      `cannot refresh the session of profile ${profile}, so nothing was sent: ${destination.reason}. ` +
        `Configure where it belongs, or run "${again}" with this configuration`,
    );
  }
  const secret = env.COGAUTH_CLIENT_SECRET || undefined;
  const issued =
    session.kind === 'oauth'
      ? await refreshAtDomain(destination, session, session.refreshToken, secret, again)
      : await refreshAtCognito(destination, session, session.refreshToken, secret);
  const { accessToken, idToken, refreshToken, expiresAt, username, version, ...base } = session;
  const next = sessionOf(base, issued);
  saveSession(env, next);
  return next;
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

/** REFRESH_TOKEN_AUTH at the trusted Cognito endpoint (`destination.pool` names it in messages). */
async function refreshAtCognito(
  destination: SessionTarget,
  session: StoredSession,
  refreshToken: string,
  secret: string | undefined,
): Promise<Issued> {
  const settings: Settings = {
    ...destination.pool,
    clientId: session.clientId,
    ...(session.username ? { username: session.username } : {}),
    ...(secret ? { clientSecret: secret } : {}),
  };
  return refreshTokens(cognitoApiAt(destination.url), settings, refreshToken);
}

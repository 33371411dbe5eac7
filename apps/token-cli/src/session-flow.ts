import { decodeJwt } from '@cogauth/core';
import { createCognitoClient } from './cognito.js';
import type { CommandContext } from './command.js';
import { refreshTokens } from './commands/refresh.js';
import type { Settings } from './config.js';
import { CliError } from './errors.js';
import { basicAuth, postForm } from './http.js';
import { sessionDestination } from './session-destination.js';
import { loadSession, type StoredSession, saveSession } from './session-store.js';
import type { Tokens } from './tokens.js';

/** --profile, else COGAUTH_PROFILE, else the config's defaultProfile, else `default`. */
export function sessionProfile(ctx: CommandContext): string {
  const flag = ctx.values.profile;
  if (typeof flag === 'string' && flag !== '') return flag;
  const env = ctx.io.env.COGAUTH_PROFILE;
  if (env) return env;
  return ctx.config().profile ?? 'default';
}

/** A session record from fresh tokens; `expiresAt` from the answer's lifetime or the token's exp. */
export function sessionOf(
  base: Omit<
    StoredSession,
    'version' | 'accessToken' | 'idToken' | 'refreshToken' | 'expiresAt' | 'username'
  >,
  tokens: Tokens,
  nowMs = Date.now(),
): StoredSession {
  const username = usernameOf(tokens.accessToken);
  return {
    version: 1,
    ...base,
    ...(username === undefined ? {} : { username }),
    accessToken: tokens.accessToken,
    ...(tokens.idToken ? { idToken: tokens.idToken } : {}),
    ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    expiresAt: expiryOf(tokens.accessToken) ?? nowMs + (tokens.expiresIn ?? 3600) * 1000,
  };
}

/** Where login keeps its pool, client and endpoint: only what refresh needs, never the client secret. */
export function cognitoSessionBase(profile: string, settings: Settings, clientId: string) {
  return {
    profile,
    kind: 'cognito' as const,
    clientId,
    ...(settings.userPoolId ? { userPoolId: settings.userPoolId } : {}),
    ...(settings.region ? { region: settings.region } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  };
}

/**
 * The session of `profile` with an access token valid for at least `marginSeconds` more, refreshed (and
 * saved) when it is not. The refresh goes to the endpoint or pool domain of the trusted configuration,
 * only when the session was made there (session-destination.ts); the client secret, when the app client
 * has one, comes from COGAUTH_CLIENT_SECRET.
 */
export async function freshSession(
  ctx: CommandContext,
  profile: string,
  marginSeconds: number,
): Promise<StoredSession> {
  const { env } = ctx.io;
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
  const tokens =
    session.kind === 'oauth'
      ? await refreshAtDomain(destination.url, session, session.refreshToken, secret, again)
      : await refreshAtCognito(destination.pool, session, session.refreshToken, secret);
  const { accessToken, idToken, refreshToken, expiresAt, username, version, ...base } = session;
  const next = sessionOf(base, tokens);
  saveSession(env, next);
  return next;
}

/** `grant_type=refresh_token` at `<domain>/oauth2/token`; `domain` is the trusted pool domain's origin. */
async function refreshAtDomain(
  domain: URL,
  session: StoredSession,
  refreshToken: string,
  secret: string | undefined,
  again: string,
): Promise<Tokens> {
  const res = await postForm(
    'refresh failed',
    `${domain.origin}/oauth2/token`,
    { grant_type: 'refresh_token', client_id: session.clientId, refresh_token: refreshToken },
    secret ? { authorization: basicAuth(session.clientId, secret) } : {},
  );
  if (res.status !== 200 || typeof res.json.access_token !== 'string') {
    throw new CliError(
      `refresh failed: the token endpoint answered ${String(res.json.error ?? `HTTP ${res.status}`)}: run "${again}"`,
    );
  }
  return {
    accessToken: res.json.access_token,
    idToken: typeof res.json.id_token === 'string' ? res.json.id_token : session.idToken,
    refreshToken: typeof res.json.refresh_token === 'string' ? res.json.refresh_token : refreshToken,
    expiresIn: typeof res.json.expires_in === 'number' ? res.json.expires_in : null,
  };
}

/** REFRESH_TOKEN_AUTH at the trusted configuration's Cognito endpoint (`pool`: its endpoint or region). */
async function refreshAtCognito(
  pool: Settings,
  session: StoredSession,
  refreshToken: string,
  secret: string | undefined,
): Promise<Tokens> {
  const settings: Settings = {
    ...pool,
    clientId: session.clientId,
    ...(session.username ? { username: session.username } : {}),
    ...(secret ? { clientSecret: secret } : {}),
  };
  const api = await createCognitoClient(settings);
  try {
    return await refreshTokens(api, settings, refreshToken);
  } finally {
    api.destroy();
  }
}

function claims(jwt: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(jwt).payload;
  } catch {
    return undefined;
  }
}

function usernameOf(jwt: string): string | undefined {
  const u = claims(jwt)?.username;
  return typeof u === 'string' ? u : undefined;
}

function expiryOf(jwt: string): number | undefined {
  const exp = claims(jwt)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

import { decodeJwt } from '@cogauth/core';
import { createCognitoClient } from './cognito.js';
import type { CommandContext } from './command.js';
import { refreshTokens } from './commands/refresh.js';
import type { Settings } from './config.js';
import { CliError } from './errors.js';
import { basicAuth, postForm } from './http.js';
import { oauthEndpoint } from './oauth-endpoints.js';
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
 * saved) when it is not. The client secret, when the app client has one, comes from COGAUTH_CLIENT_SECRET.
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
  const secret = env.COGAUTH_CLIENT_SECRET || undefined;
  let tokens: Tokens;
  if (session.kind === 'oauth') {
    if (!session.domain)
      throw new CliError(`the session of profile ${profile} has no domain: run "${again}"`);
    const res = await postForm(
      'refresh failed',
      oauthEndpoint(session.domain, 'token'),
      { grant_type: 'refresh_token', client_id: session.clientId, refresh_token: session.refreshToken },
      secret ? { authorization: basicAuth(session.clientId, secret) } : {},
    );
    if (res.status !== 200 || typeof res.json.access_token !== 'string') {
      throw new CliError(
        `refresh failed: the token endpoint answered ${String(res.json.error ?? `HTTP ${res.status}`)}: run "${again}"`,
      );
    }
    tokens = {
      accessToken: res.json.access_token,
      idToken: typeof res.json.id_token === 'string' ? res.json.id_token : session.idToken,
      refreshToken:
        typeof res.json.refresh_token === 'string' ? res.json.refresh_token : session.refreshToken,
      expiresIn: typeof res.json.expires_in === 'number' ? res.json.expires_in : null,
    };
  } else {
    const settings: Settings = {
      clientId: session.clientId,
      ...(session.userPoolId ? { userPoolId: session.userPoolId } : {}),
      ...(session.region ? { region: session.region } : {}),
      ...(session.endpoint ? { endpoint: session.endpoint } : {}),
      ...(session.username ? { username: session.username } : {}),
      ...(secret ? { clientSecret: secret } : {}),
    };
    const api = await createCognitoClient(settings);
    try {
      tokens = await refreshTokens(api, settings, session.refreshToken);
    } finally {
      api.destroy();
    }
  }
  const { accessToken, idToken, refreshToken, expiresAt, username, version, ...base } = session;
  const next = sessionOf(base, tokens);
  saveSession(env, next);
  return next;
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

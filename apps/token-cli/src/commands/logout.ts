import { CognitoError, cognitoApiAt } from '../cognito-api.js';
import { COMMON_HELP, type Command, type CommandContext } from '../command.js';
import { basicAuth, postForm } from '../http.js';
import { oauthEndpoint } from '../oauth.js';
import { note } from '../output.js';
import { type Destination, sessionDestination } from '../session-destination.js';
import { withSessionLock } from '../session-lock.js';
import { deleteSession, type FoundSession, findSession, type StoredSession } from '../session-store.js';

/** Cognito RevokeToken (or `<domain>/oauth2/revoke`) at the trusted `url`; returns why it failed, or undefined. */
async function revoke(
  session: StoredSession,
  refreshToken: string,
  url: URL,
  secret: string | undefined,
): Promise<string | undefined> {
  try {
    if (session.kind === 'oauth') {
      const res = await postForm(
        'revoke failed',
        oauthEndpoint(url.origin, 'revoke'),
        { token: refreshToken, client_id: session.clientId },
        secret ? { authorization: basicAuth(session.clientId, secret) } : {},
      );
      return res.status === 200
        ? undefined
        : `the revoke endpoint answered ${String(res.json.error ?? `HTTP ${res.status}`)}`;
    }
    await cognitoApiAt(url).call('RevokeToken', {
      Token: refreshToken,
      ClientId: session.clientId,
      ...(secret ? { ClientSecret: secret } : {}),
    });
    return undefined;
  } catch (error) {
    if (error instanceof CognitoError) return `${error.code}: ${error.message}`;
    const e = error as { name?: string; message?: string; code?: string };
    const label = e.code ?? (e.name && e.name !== 'Error' ? e.name : undefined);
    return `${label ? `${label}: ` : ''}${e.message ?? String(error)}`;
  }
}

/** Where revocation may go: the trusted configuration's endpoint or domain, if the session was made there. */
function destinationOf(ctx: CommandContext, session: StoredSession): Destination {
  try {
    return sessionDestination(session, ctx.config().settings);
  } catch (error) {
    // A configuration that cannot be read names no destination; the session is deleted all the same.
    return { ok: false, reason: `the configuration could not be read (${(error as Error).message})` };
  }
}

/** Revokes the session's refresh token where the configuration allows; returns why not, or undefined. */
async function revokeOrWhyNot(ctx: CommandContext, session: StoredSession): Promise<string | undefined> {
  if (!session.refreshToken) return 'the session has no refresh token';
  const destination = destinationOf(ctx, session);
  if (!destination.ok) return `${destination.reason}; nothing was sent`;
  const secret = ctx.io.env.COGAUTH_CLIENT_SECRET || undefined;
  return revoke(session, session.refreshToken, destination.url, secret);
}

export const logout: Command = {
  name: 'logout',
  summary: 'revoke the refresh token (Cognito RevokeToken) and delete the saved session',
  maxPositionals: 0,
  options: { 'forget-device': { type: 'boolean' } },
  help: `Usage: cogauth logout [--profile <name>] [--forget-device]

Revokes the session's refresh token with Cognito RevokeToken where the app client allows it (token
revocation is on by default for new app clients; a client with a secret needs COGAUTH_CLIENT_SECRET),
then deletes the session file. The file is deleted even when revocation fails; the reason is shown.
Access and ID tokens already handed out stay valid until they expire.

Revocation goes only to the Cognito endpoint or pool domain of your configuration (COGAUTH_* variables,
--config or your own config file), and only when the session was made there: the session file never
decides where the refresh token or client secret goes. A session file that group or others may access,
that another user owns, or that is not a cogauth session is deleted without contacting anything.

  --forget-device       also forget the device "login --remember-device" remembered: ForgetDevice at
                        Cognito (before the revocation, with the session's access token), then its file
                        is deleted; a device file others may access is deleted unread

${COMMON_HELP}

Example:
  cogauth logout --profile dev
`,
  async run(ctx) {
    const { io } = ctx;
    const profile = ctx.profile();
    // Under the profile's lock, read once the lock is held: a refresh under way in another cogauth would
    // otherwise save the session again after this deleted it, and this would revoke a token it replaced.
    return withSessionLock(io.env, profile, async () => {
      const found = findSession(io.env, profile);
      if (ctx.values['forget-device']) {
        const { forgetDevice } = await import('../flows.js');
        const outcome = await forgetDevice(ctx, found);
        note(io, outcome.note);
        const code = await endSession(ctx, profile, found);
        return outcome.failed ? 1 : code;
      }
      return endSession(ctx, profile, found);
    });
  },
};

/** Revokes and deletes the session (or deletes a refused one unread); the exit code. */
async function endSession(ctx: CommandContext, profile: string, found: FoundSession): Promise<number> {
  const { io } = ctx;
  if (found.state === 'none') {
    note(io, `cogauth: no session for profile ${profile} (${found.path})`);
    return 0;
  }
  if (found.state === 'refused') {
    deleteSession(io.env, profile);
    note(
      io,
      `cogauth: deleted the session ${found.path} without revoking anything: ${found.why}, so nothing ` +
        'it names was contacted',
    );
    return 1;
  }
  const failed = await revokeOrWhyNot(ctx, found.session);
  deleteSession(io.env, profile);
  if (failed) {
    note(io, `cogauth: session deleted, but the refresh token was NOT revoked: ${failed}`);
    return 1;
  }
  note(io, `cogauth: refresh token revoked and session deleted (profile ${profile})`);
  return 0;
}

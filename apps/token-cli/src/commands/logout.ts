import { createCognitoClient } from '../cognito.js';
import { CognitoError } from '../cognito-api.js';
import { COMMON_HELP, type Command } from '../command.js';
import { basicAuth, postForm } from '../http.js';
import { oauthEndpoint } from '../oauth-endpoints.js';
import { note } from '../output.js';
import { sessionProfile } from '../session-flow.js';
import { deleteSession, loadSession, type StoredSession, sessionPath } from '../session-store.js';

/** Cognito RevokeToken (or `<domain>/oauth2/revoke`); returns why it did not happen, or undefined. */
async function revoke(session: StoredSession, secret: string | undefined): Promise<string | undefined> {
  if (!session.refreshToken) return 'the session has no refresh token';
  try {
    if (session.kind === 'oauth' && session.domain) {
      const res = await postForm(
        'revoke failed',
        oauthEndpoint(session.domain, 'revoke'),
        { token: session.refreshToken, client_id: session.clientId },
        secret ? { authorization: basicAuth(session.clientId, secret) } : {},
      );
      return res.status === 200
        ? undefined
        : `the revoke endpoint answered ${String(res.json.error ?? `HTTP ${res.status}`)}`;
    }
    const api = await createCognitoClient({
      clientId: session.clientId,
      ...(session.userPoolId ? { userPoolId: session.userPoolId } : {}),
      ...(session.region ? { region: session.region } : {}),
      ...(session.endpoint ? { endpoint: session.endpoint } : {}),
    });
    try {
      await api.call('RevokeToken', {
        Token: session.refreshToken,
        ClientId: session.clientId,
        ...(secret ? { ClientSecret: secret } : {}),
      });
    } finally {
      api.destroy();
    }
    return undefined;
  } catch (error) {
    if (error instanceof CognitoError) return `${error.code}: ${error.message}`;
    const e = error as { name?: string; message?: string; code?: string };
    const label = e.code ?? (e.name && e.name !== 'Error' ? e.name : undefined);
    return `${label ? `${label}: ` : ''}${e.message ?? String(error)}`;
  }
}

export const logout: Command = {
  name: 'logout',
  summary: 'revoke the refresh token (Cognito RevokeToken) and delete the saved session',
  maxPositionals: 0,
  options: {},
  help: `Usage: cogauth logout [--profile <name>]

Revokes the session's refresh token with Cognito RevokeToken where the app client allows it (token
revocation is on by default for new app clients; a client with a secret needs COGAUTH_CLIENT_SECRET),
then deletes the session file. The file is deleted even when revocation fails; the reason is shown.
Access and ID tokens already handed out stay valid until they expire.

${COMMON_HELP}

Example:
  cogauth logout --profile dev
`,
  async run(ctx) {
    const { io } = ctx;
    const profile = sessionProfile(ctx);
    // A session refused for its file mode is exactly the one to revoke and delete.
    const session = loadSession(io.env, profile, { ignoreMode: true });
    if (!session) {
      note(io, `cogauth: no session for profile ${profile} (${sessionPath(io.env, profile)})`);
      return 0;
    }
    const failed = await revoke(session, io.env.COGAUTH_CLIENT_SECRET || undefined);
    deleteSession(io.env, profile);
    if (failed) {
      note(io, `cogauth: session deleted, but the refresh token was NOT revoked: ${failed}`);
      return 1;
    }
    note(io, `cogauth: refresh token revoked and session deleted (profile ${profile})`);
    return 0;
  },
};

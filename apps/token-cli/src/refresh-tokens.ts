import { type CognitoApi, cognitoFailure } from './cognito.js';
import { requireClientId, type Settings } from './config.js';
import { UsageError } from './errors.js';
import { secretHash } from './secret-hash.js';
import { type Issued, tokensOf } from './tokens.js';

/**
 * REFRESH_TOKEN_AUTH, for `cogauth refresh` and a session's silent refresh. With a client secret,
 * SECRET_HASH must use the user's real username (the `username` claim / GetUser's Username), not the email
 * or phone alias used at login.
 */
export async function refreshTokens(
  api: CognitoApi,
  settings: Settings,
  refreshToken: string,
): Promise<Issued> {
  const clientId = requireClientId(settings);
  const params: Record<string, string> = { REFRESH_TOKEN: refreshToken };
  if (settings.clientSecret) {
    if (!settings.username) {
      throw new UsageError(
        'this client has a secret, so refresh needs --username: the real username ("username" in login --json), not an alias',
      );
    }
    params.SECRET_HASH = secretHash(settings.username, clientId, settings.clientSecret);
  }
  try {
    const response = await api.call('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: clientId,
      AuthParameters: params,
    });
    return tokensOf(response.AuthenticationResult, refreshToken);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw cognitoFailure('refresh failed', error, settings);
  }
}

import { type CognitoApi, cognitoFailure } from './cognito.js';
import { CognitoError } from './cognito-api.js';
import { requireClientId, type Settings } from './config.js';
import { UsageError } from './errors.js';
import { secretHash } from './secret-hash.js';
import type { RefreshOperation } from './session-store.js';
import { type Issued, tokensOf } from './tokens.js';

/** New tokens, and the operation that issued them (a session records it for its next refresh). */
export interface Refreshed {
  issued: Issued;
  via: 'REFRESH_TOKEN_AUTH' | RefreshOperation;
}

/**
 * A refresh for `cogauth refresh` and a session's silent refresh. REFRESH_TOKEN_AUTH first, unless the
 * session already learned (`known`) that this client needs GetTokensFromRefreshToken. An app client with
 * refresh-token rotation must have REFRESH_TOKEN_AUTH turned off ("Refresh tokens" in the Cognito developer
 * guide: rotation "isn't compatible with the authentication flow REFRESH_TOKEN_AUTH"; RefreshTokenRotationType
 * in the API reference: rotation "must be completed with GetTokensFromRefreshToken"), and Cognito refuses a
 * flow the client does not allow with InvalidParameterException. So that answer is the sign to use
 * GetTokensFromRefreshToken, which works with rotation on or off and returns the new refresh token when the
 * client rotates: the user never has to know or configure the mode.
 */
export async function refreshTokens(
  api: CognitoApi,
  settings: Settings,
  refreshToken: string,
  known?: RefreshOperation,
  deviceKey?: string,
): Promise<Refreshed> {
  const clientId = requireClientId(settings);
  if (known === 'GetTokensFromRefreshToken') {
    return { issued: await getTokens(api, settings, clientId, refreshToken, deviceKey), via: known };
  }
  let refused: CognitoError;
  try {
    const issued = await initiateRefresh(api, settings, clientId, refreshToken, deviceKey);
    return { issued, via: 'REFRESH_TOKEN_AUTH' };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (!(error instanceof CognitoError) || error.code !== 'InvalidParameterException') {
      throw cognitoFailure('refresh failed', error, settings);
    }
    refused = error;
  }
  try {
    const issued = await getTokens(api, settings, clientId, refreshToken, deviceKey);
    return { issued, via: 'GetTokensFromRefreshToken' };
  } catch (error) {
    // An endpoint without the operation (an emulator): REFRESH_TOKEN_AUTH's refusal is the one to show.
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof CognitoError && NO_SUCH_OPERATION.has(cause.code)) {
      throw cognitoFailure('refresh failed', refused, settings);
    }
    throw error;
  }
}

/** How AWS endpoints (and cognito-local) answer an operation they do not have. */
const NO_SUCH_OPERATION = new Set(['UnknownOperationException', 'Unsupported']);

/**
 * REFRESH_TOKEN_AUTH. With a client secret, SECRET_HASH must use the user's real username (the `username`
 * claim / GetUser's Username), not the email or phone alias used at login. Tokens of a sign-in on a
 * tracked device refresh only with that device's key (DEVICE_KEY).
 */
async function initiateRefresh(
  api: CognitoApi,
  settings: Settings,
  clientId: string,
  refreshToken: string,
  deviceKey: string | undefined,
): Promise<Issued> {
  const params: Record<string, string> = {
    REFRESH_TOKEN: refreshToken,
    ...(deviceKey ? { DEVICE_KEY: deviceKey } : {}),
  };
  if (settings.clientSecret) {
    if (!settings.username) {
      throw new UsageError(
        'this client has a secret, so refresh needs --username: the real username ("username" in login --json), not an alias',
      );
    }
    params.SECRET_HASH = secretHash(settings.username, clientId, settings.clientSecret);
  }
  const response = await api.call('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: clientId,
    AuthParameters: params,
  });
  return tokensOf(response.AuthenticationResult, refreshToken);
}

/** GetTokensFromRefreshToken: the answer holds a new refresh token when the client rotates them. */
async function getTokens(
  api: CognitoApi,
  settings: Settings,
  clientId: string,
  refreshToken: string,
  deviceKey: string | undefined,
): Promise<Issued> {
  try {
    const response = await api.call('GetTokensFromRefreshToken', {
      RefreshToken: refreshToken,
      ClientId: clientId,
      ...(settings.clientSecret ? { ClientSecret: settings.clientSecret } : {}),
      ...(deviceKey ? { DeviceKey: deviceKey } : {}),
    });
    return tokensOf(response.AuthenticationResult, refreshToken);
  } catch (error) {
    throw cognitoFailure('refresh failed', error, settings);
  }
}

import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { regionOfPoolId, type Settings } from './config.js';
import { CliError, UsageError } from './errors.js';

/** The one SDK method the CLI uses; tests may pass any object with it. */
export interface CognitoApi {
  send: CognitoIdentityProviderClient['send'];
}

/**
 * InitiateAuth, RespondToAuthChallenge and GetUser are unauthenticated Cognito calls, so no AWS
 * credentials are needed — also not for cognito-local.
 */
export function createCognitoClient(settings: Settings): CognitoIdentityProviderClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region =
    settings.region ?? regionOfPoolId(settings.userPoolId) ?? (settings.endpoint ? 'us-east-1' : undefined);
  if (!region) {
    throw new UsageError('no region: pass --region (or COGAUTH_REGION), or a pool id that names it');
  }
  if (settings.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(settings.endpoint)) {
    throw new UsageError(`--endpoint "${settings.endpoint}" is not an http(s) URL`);
  }
  return new CognitoIdentityProviderClient({
    region,
    maxAttempts: 2,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

/** One line for a failed Cognito call: what failed, the service's reason, what to try. */
export function cognitoFailure(action: string, error: unknown, settings: Settings): CliError {
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (code && NETWORK_CODES.has(code)) {
    const where =
      settings.endpoint ?? `Cognito in ${settings.region ?? regionOfPoolId(settings.userPoolId) ?? '?'}`;
    const hint = settings.endpoint ? ' — is the emulator running?' : ' — check your network and --region';
    return new CliError(`${action}: cannot reach ${where} (${code})${hint}`, { cause: error });
  }
  const name = err.name && err.name !== 'Error' ? ` (${err.name})` : '';
  const hint = HINTS[err.name ?? ''] ?? '';
  return new CliError(`${action}: ${err.message ?? String(error)}${name}${hint}`, { cause: error });
}

const HINTS: Record<string, string> = {
  ResourceNotFoundException: ' — check --client-id and --user-pool-id',
  InvalidParameterException: ' — is this auth flow enabled on the app client?',
  UserNotConfirmedException: ' — confirm the user first',
  PasswordResetRequiredException: ' — the user must reset the password',
};

import { cognitoEndpointOf } from '@cogauth/core/cognito';
import { type CognitoApi, CognitoError, cognitoApiAt } from './cognito-api.js';
import { regionOf, type Settings } from './config.js';
import { CliError, EXIT_UNREACHABLE, UsageError } from './errors.js';
import { checkedUrl } from './url-policy.js';

export type { CognitoAction, CognitoApi } from './cognito-api.js';

/**
 * The Cognito API of the settings: `--endpoint` (https, or http to loopback for cognito-local), else the
 * region's AWS endpoint (core's `cognitoEndpointOf`).
 */
export function cognitoEndpoint(settings: Settings): URL {
  if (settings.endpoint !== undefined) return checkedUrl('endpoint', settings.endpoint);
  const region = regionOf(settings);
  if (!region) {
    throw new UsageError(
      'no region: pass --region (or COGAUTH_REGION / AWS_REGION), or a pool id that names it',
    );
  }
  const endpoint = cognitoEndpointOf(region);
  if (endpoint === undefined) {
    throw new UsageError(`region "${region}" is not an AWS region with a Cognito endpoint: check --region`);
  }
  return new URL(endpoint);
}

/**
 * InitiateAuth, RespondToAuthChallenge, GetUser and RevokeToken are unauthenticated Cognito calls, so no
 * AWS credentials are needed — also not for cognito-local.
 */
export function createCognitoClient(settings: Settings): CognitoApi {
  return cognitoApiAt(cognitoEndpoint(settings));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** One line for a failed Cognito call: what failed, the service's reason, what to try. */
export function cognitoFailure(action: string, error: unknown, settings: Settings): CliError {
  if (error instanceof CognitoError) {
    const hint = HINTS[error.code] ?? '';
    return new CliError(`${action}: ${error.message} (${error.code})${hint}`, { cause: error });
  }
  const err = error as { message?: string; code?: string };
  if (err.code && NETWORK_CODES.has(err.code)) {
    const where = settings.endpoint ?? `Cognito in ${regionOf(settings) ?? '?'}`;
    const hint = settings.endpoint ? ' — is the emulator running?' : ' — check your network and --region';
    return new CliError(`${action}: cannot reach ${where} (${err.code})${hint}`, {
      cause: error,
      exitCode: EXIT_UNREACHABLE,
    });
  }
  const code = err.code ? ` (${err.code})` : '';
  return new CliError(`${action}: ${err.message ?? String(error)}${code}`, { cause: error });
}

const HINTS: Record<string, string> = {
  ResourceNotFoundException: ' — check --client-id and --user-pool-id',
  InvalidParameterException: ' — is this auth flow enabled on the app client?',
  UserNotConfirmedException: ' — confirm the user first',
  PasswordResetRequiredException: ' — the user must reset the password',
  RefreshTokenReuseException: ' — the client rotates refresh tokens and this one was replaced',
};

import type {
  GetUserCommandInput,
  GetUserCommandOutput,
  InitiateAuthCommandInput,
  InitiateAuthCommandOutput,
  RespondToAuthChallengeCommandInput,
  RespondToAuthChallengeCommandOutput,
  RevokeTokenCommandInput,
  RevokeTokenCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { regionOf, type Settings } from './config.js';
import { CliError, EXIT_UNREACHABLE, UsageError } from './errors.js';
import { checkedUrl } from './url-policy.js';

interface Calls {
  InitiateAuth: [InitiateAuthCommandInput, InitiateAuthCommandOutput];
  RespondToAuthChallenge: [RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput];
  GetUser: [GetUserCommandInput, GetUserCommandOutput];
  RevokeToken: [RevokeTokenCommandInput, RevokeTokenCommandOutput];
}
export type CognitoAction = keyof Calls;

/** The Cognito calls the CLI makes; tests may pass any object with `call`. */
export interface CognitoApi {
  call<A extends CognitoAction>(action: A, input: Calls[A][0]): Promise<Calls[A][1]>;
  destroy(): void;
}

/**
 * InitiateAuth, RespondToAuthChallenge, GetUser and RevokeToken are unauthenticated Cognito calls, so no
 * AWS credentials are needed — also not for cognito-local. The SDK (~150 ms to import) loads only here.
 */
export async function createCognitoClient(settings: Settings): Promise<CognitoApi> {
  const region = regionOf(settings) ?? (settings.endpoint ? 'us-east-1' : undefined);
  if (!region) {
    throw new UsageError(
      'no region: pass --region (or COGAUTH_REGION / AWS_REGION), or a pool id that names it',
    );
  }
  if (settings.endpoint !== undefined) checkedUrl('endpoint', settings.endpoint);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  const client = new sdk.CognitoIdentityProviderClient({
    region,
    maxAttempts: 2,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
  });
  const commands = {
    InitiateAuth: sdk.InitiateAuthCommand,
    RespondToAuthChallenge: sdk.RespondToAuthChallengeCommand,
    GetUser: sdk.GetUserCommand,
    RevokeToken: sdk.RevokeTokenCommand,
  };
  return {
    call(action, input) {
      const Command = commands[action] as unknown as new (
        i: typeof input,
      ) => Parameters<typeof client.send>[0];
      return client.send(new Command(input)) as never;
    },
    destroy: () => client.destroy(),
  };
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
    const where = settings.endpoint ?? `Cognito in ${regionOf(settings) ?? '?'}`;
    const hint = settings.endpoint ? ' — is the emulator running?' : ' — check your network and --region';
    return new CliError(`${action}: cannot reach ${where} (${code})${hint}`, {
      cause: error,
      exitCode: EXIT_UNREACHABLE,
    });
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

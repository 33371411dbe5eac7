import { type CognitoApi, cognitoFailure, createCognitoClient } from '../cognito.js';
import { COMMON_HELP, type Command, type CommandContext, POOL_HELP, POOL_OPTIONS } from '../command.js';
import { requireClientId, type Settings } from '../config.js';
import { UsageError } from '../errors.js';
import { startSpinner, warnSecretOnArgv } from '../output.js';
import { tokenArgument } from '../prompt.js';
import { secretHash } from '../secret-hash.js';
import { parsePrintChoice, printSession, type Tokens, tokensOf } from '../tokens.js';

/**
 * REFRESH_TOKEN_AUTH. With a client secret, SECRET_HASH must use the user's real username
 * (the `username` claim / GetUser's Username), not the email or phone alias used at login.
 */
export async function refreshTokens(
  api: CognitoApi,
  settings: Settings,
  refreshToken: string,
): Promise<Tokens> {
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

/**
 * The refresh token from stdin ("-" or piped), COGAUTH_REFRESH_TOKEN, or, with a warning, the argument:
 * argv shows in `ps` and shell history.
 */
async function refreshTokenInput(ctx: CommandContext, arg: string | undefined): Promise<string> {
  const fromEnv = ctx.io.env.COGAUTH_REFRESH_TOKEN;
  if (arg !== undefined && arg !== '-') {
    warnSecretOnArgv(ctx.io, 'a refresh token', 'stdin or COGAUTH_REFRESH_TOKEN');
    return tokenArgument(ctx.io, arg, 'refresh token');
  }
  if (arg === undefined && fromEnv) return tokenArgument(ctx.io, fromEnv, 'refresh token');
  return tokenArgument(ctx.io, undefined, 'refresh token');
}

export const refresh: Command = {
  name: 'refresh',
  summary: 'exchange a refresh token for new access and ID tokens (REFRESH_TOKEN_AUTH)',
  maxPositionals: 1,
  options: {
    ...POOL_OPTIONS,
    username: { type: 'string', short: 'u' },
    json: { type: 'boolean' },
    print: { type: 'string' },
  },
  help: `Usage: cogauth refresh [options] [refresh-token | -]

Exchanges a refresh token for new tokens. The token comes from COGAUTH_REFRESH_TOKEN, else stdin
(piped, or "-"); an argument works but shows in "ps" and your shell history.
Output as for login: "username email_verified access_token", --json, or --print access|id|refresh|header
(refresh prints the refresh token you passed in; Cognito does not rotate it here).

Options:
  -u, --username <name>  the REAL username (not an email alias); needed with --client-secret for SECRET_HASH
  --json                 print {username, attributes, tokens}
  --print <what>         access | id | refresh | header

${POOL_HELP}

${COMMON_HELP}

Example:
  cogauth login --profile dev -u alice --print refresh > refresh.txt
  cogauth refresh --profile dev --print access < refresh.txt
  COGAUTH_REFRESH_TOKEN=$(cat refresh.txt) cogauth refresh --profile dev --print access
`,
  async run(ctx) {
    const { io, values, positionals } = ctx;
    const json = values.json === true;
    const print = parsePrintChoice(values.print, json);
    const { settings } = ctx.config();
    const refreshToken = await refreshTokenInput(ctx, positionals[0]);
    const api = await createCognitoClient(settings);
    try {
      const spinner = startSpinner(io, 'Refreshing');
      let tokens: Tokens;
      try {
        tokens = await refreshTokens(api, settings, refreshToken);
      } finally {
        spinner.stop();
      }
      await printSession(io, api, settings, tokens, { json, print });
      return 0;
    } finally {
      api.destroy();
    }
  },
};

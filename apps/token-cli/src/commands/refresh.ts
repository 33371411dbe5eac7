import { createCognitoClient } from '../cognito.js';
import { COMMON_HELP, type Command, type CommandContext, POOL_HELP, POOL_OPTIONS } from '../command.js';
import { startSpinner, warnSecretOnArgv } from '../output.js';
import { tokenArgument } from '../prompt.js';
import { refreshTokens } from '../refresh-tokens.js';
import { type Issued, parsePrintChoice, printSession } from '../tokens.js';

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
  summary: 'exchange a refresh token for new tokens (REFRESH_TOKEN_AUTH, or rotation)',
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
Output as for login: "username email_verified access_token", --json, or --print access|id|refresh|header.
When the app client rotates refresh tokens (Cognito then refuses REFRESH_TOKEN_AUTH), the refresh goes
through GetTokensFromRefreshToken and --print refresh / --json give the NEW refresh token: keep it, the
one you passed stops working after the client's grace period. Otherwise they give the one you passed.

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
    const api = createCognitoClient(settings);
    const spinner = startSpinner(io, 'Refreshing');
    let issued: Issued;
    try {
      ({ issued } = await refreshTokens(api, settings, refreshToken));
    } finally {
      spinner.stop();
    }
    await printSession(io, api, settings, issued.tokens, { json, print });
    return 0;
  },
};

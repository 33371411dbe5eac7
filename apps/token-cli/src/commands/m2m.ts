import { COMMON_HELP, type Command } from '../command.js';
import type { Settings } from '../config.js';
import { UsageError } from '../errors.js';
import { exchangeToken } from '../oauth.js';
import { printJson, startSpinner } from '../output.js';

/** What `m2m --json` prints; a field the token endpoint did not send is null. */
export interface M2mToken {
  accessToken: string;
  tokenType: string | null;
  expiresIn: number | null;
}

/** OAuth 2.0 client_credentials grant against the pool domain's token endpoint. */
async function clientCredentials(settings: Settings): Promise<M2mToken> {
  const { domain, clientId, clientSecret } = settings;
  if (!domain)
    throw new UsageError('no --domain: the user pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com');
  if (!clientId) throw new UsageError('no --client-id');
  if (!clientSecret)
    throw new UsageError(
      'client_credentials needs the app client secret: --client-secret or COGAUTH_CLIENT_SECRET',
    );
  const scopes = settings.scopes?.split(/[\s,]+/).filter(Boolean) ?? [];
  const answer = await exchangeToken(
    'm2m failed',
    domain,
    { clientId, clientSecret },
    { grant_type: 'client_credentials', ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) },
  );
  return {
    accessToken: answer.tokens.accessToken,
    tokenType: answer.tokenType ?? null,
    expiresIn: answer.tokens.expiresIn,
  };
}

export const m2m: Command = {
  name: 'm2m',
  summary: 'machine-to-machine token: client_credentials at <domain>/oauth2/token',
  maxPositionals: 0,
  options: {
    domain: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    scope: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    print: { type: 'string' },
  },
  help: `Usage: cogauth m2m [options]

Gets an access token with the OAuth 2.0 client_credentials grant from the user pool domain.
Prints the access token (stdout only), --json, or --print access|header.

Options:
  --domain <host|url>   pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com (COGAUTH_DOMAIN)
  --client-id <id>      app client with the client_credentials grant (COGAUTH_CLIENT_IDS)
  --client-secret <s>   its secret (COGAUTH_CLIENT_SECRET; a flag leaks into shell history)
  --scope <scope>       custom scope, e.g. orders/read (repeatable; COGAUTH_SCOPES, space-separated)
  --json                {accessToken, tokenType, expiresIn}
  --print <what>        access (default) | header

${COMMON_HELP}

Example:
  COGAUTH_CLIENT_SECRET=... cogauth m2m --domain my-app.auth.eu-west-1.amazoncognito.com \\
      --client-id 4p1a... --scope orders/read --print header
`,
  async run(ctx) {
    const { io, values } = ctx;
    const json = values.json === true;
    const print = values.print ?? 'access';
    if (json && values.print !== undefined) throw new UsageError('--print and --json cannot be combined');
    if (print !== 'access' && print !== 'header')
      throw new UsageError('--print for m2m must be access or header');
    const { settings } = ctx.config();
    const spinner = startSpinner(io, 'Requesting a client_credentials token');
    let token: M2mToken;
    try {
      token = await clientCredentials(settings);
    } finally {
      spinner.stop();
    }
    if (json) printJson(io, token);
    else
      io.stdout.write(
        print === 'header' ? `Authorization: Bearer ${token.accessToken}\n` : `${token.accessToken}\n`,
      );
    return 0;
  },
};

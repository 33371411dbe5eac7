import { COMMON_HELP, type Command } from '../command.js';
import type { Settings } from '../config.js';
import { CliError, UsageError } from '../errors.js';
import { basicAuth, postForm } from '../http.js';
import { oauthEndpoint } from '../oauth-endpoints.js';
import { printJson, startSpinner } from '../output.js';

export interface M2mToken {
  accessToken: string;
  tokenType: string | undefined;
  expiresIn: number | undefined;
}

/** `my-domain.auth.eu-west-1.amazoncognito.com` or `https://<host>[:port]` -> `<origin>/oauth2/token`. */
export function tokenEndpoint(domain: string): string {
  return oauthEndpoint(domain, 'token');
}

/** OAuth 2.0 client_credentials grant against the pool domain's token endpoint. */
export async function clientCredentials(settings: Settings, timeoutMs = 10_000): Promise<M2mToken> {
  const { domain, clientId, clientSecret } = settings;
  if (!domain)
    throw new UsageError('no --domain: the user pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com');
  if (!clientId) throw new UsageError('no --client-id');
  if (!clientSecret)
    throw new UsageError(
      'client_credentials needs the app client secret: --client-secret or COGAUTH_CLIENT_SECRET',
    );
  const url = tokenEndpoint(domain);
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: clientId };
  const scopes = settings.scopes?.split(/[\s,]+/).filter(Boolean) ?? [];
  if (scopes.length > 0) form.scope = scopes.join(' ');
  const response = await postForm(
    'm2m failed',
    url,
    form,
    { authorization: basicAuth(clientId, clientSecret) },
    timeoutMs,
  );
  const payload = response.json;
  if (response.status < 200 || response.status >= 300) {
    const reason = typeof payload.error === 'string' ? payload.error : `HTTP ${response.status}`;
    const hint =
      reason === 'invalid_client'
        ? ' — check --client-id and --client-secret'
        : reason === 'invalid_scope'
          ? ' — the app client must be allowed these custom scopes'
          : reason === 'unauthorized_client'
            ? ' — enable the client_credentials grant on the app client'
            : '';
    throw new CliError(`m2m failed: the token endpoint answered ${reason} (HTTP ${response.status})${hint}`);
  }
  if (typeof payload.access_token !== 'string') {
    throw new CliError(
      `m2m failed: the token endpoint answered HTTP ${response.status} without an access_token`,
    );
  }
  return {
    accessToken: payload.access_token,
    tokenType: typeof payload.token_type === 'string' ? payload.token_type : undefined,
    expiresIn: typeof payload.expires_in === 'number' ? payload.expires_in : undefined,
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
  --client-id <id>      app client with the client_credentials grant (COGAUTH_CLIENT_ID)
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

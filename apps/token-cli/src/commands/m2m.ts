import { COMMON_HELP, type Command, type CommandContext } from '../command.js';
import type { Settings } from '../config.js';
import { UsageError } from '../errors.js';
import {
  type CachedToken,
  cacheKeyOf,
  type M2mCacheKey,
  readCachedToken,
  writeCachedToken,
} from '../m2m-cache.js';
import { exchangeToken, oauthEndpoint } from '../oauth.js';
import { note, printJson, startSpinner } from '../output.js';

/** What `m2m --json` prints; a field the token endpoint did not send is null. */
export interface M2mToken {
  accessToken: string;
  tokenType: string | null;
  /** Seconds the token is valid for: the answer's lifetime, or what is left of a cached token's. */
  expiresIn: number | null;
}

const DEFAULT_MARGIN = 60;

interface Request {
  domain: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

function requestOf(settings: Settings): Request {
  const { domain, clientId, clientSecret } = settings;
  if (!domain)
    throw new UsageError('no --domain: the user pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com');
  if (!clientId) throw new UsageError('no --client-id');
  if (!clientSecret)
    throw new UsageError(
      'client_credentials needs the app client secret: --client-secret or COGAUTH_CLIENT_SECRET',
    );
  const scopes = settings.scopes?.split(/[\s,]+/).filter(Boolean) ?? [];
  return { domain, clientId, clientSecret, scopes };
}

/** OAuth 2.0 client_credentials grant against the pool domain's token endpoint. */
async function clientCredentials(request: Request): Promise<{ token: M2mToken; expiresAt: number | null }> {
  const { domain, clientId, clientSecret, scopes } = request;
  const sentAt = Date.now();
  const answer = await exchangeToken(
    'm2m failed',
    domain,
    { clientId, clientSecret },
    { grant_type: 'client_credentials', ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}) },
  );
  const { expiresIn } = answer.tokens;
  const token = { accessToken: answer.tokens.accessToken, tokenType: answer.tokenType ?? null, expiresIn };
  // Counted from before the request: never later than the token endpoint's own clock says.
  return { token, expiresAt: expiresIn === null ? null : sentAt + expiresIn * 1000 };
}

/**
 * A cached token still valid for more than `marginSeconds`, else a new one (cached for the next call). The
 * cache never fails the command: a file it refuses is deleted with a note, and one it cannot read or write
 * (a read-only home) is skipped with a note.
 */
async function m2mToken(ctx: CommandContext, request: Request, marginSeconds: number): Promise<M2mToken> {
  const { io } = ctx;
  const key = cacheKeyOf(oauthEndpoint(request.domain, 'token'), request.clientId, request.scopes);
  if (!ctx.values['no-cache']) {
    const cached = lookUp(ctx, key, request.clientSecret, marginSeconds);
    if (cached) return cached;
  }
  const spinner = startSpinner(io, 'Requesting a client_credentials token');
  let fresh: Awaited<ReturnType<typeof clientCredentials>>;
  try {
    fresh = await clientCredentials(request);
  } finally {
    spinner.stop();
  }
  if (fresh.expiresAt !== null) {
    const entry: CachedToken = { ...fresh.token, expiresAt: fresh.expiresAt };
    try {
      writeCachedToken(io.env, key, request.clientSecret, entry);
    } catch (error) {
      note(io, `cogauth: the m2m token was not cached: ${reasonOf(error)}`);
    }
  }
  return fresh.token;
}

function lookUp(
  ctx: CommandContext,
  key: M2mCacheKey,
  secret: string,
  marginSeconds: number,
): M2mToken | undefined {
  const { io } = ctx;
  try {
    const nowMs = Date.now();
    const found = readCachedToken(io.env, key, secret, marginSeconds * 1000, nowMs);
    if (found.state === 'refused') {
      note(io, `cogauth: deleted the cached m2m token ${found.path} unused: ${found.why}`);
      return undefined;
    }
    if (found.state === 'miss') return undefined;
    const { accessToken, tokenType, expiresAt } = found.token;
    return { accessToken, tokenType, expiresIn: Math.floor((expiresAt - nowMs) / 1000) };
  } catch (error) {
    note(io, `cogauth: not using the m2m token cache: ${reasonOf(error)}`);
    return undefined;
  }
}

function reasonOf(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ?? e.message ?? String(error);
}

export const m2m: Command = {
  name: 'm2m',
  summary: 'machine-to-machine token: client_credentials at <domain>/oauth2/token, cached until it expires',
  maxPositionals: 0,
  options: {
    domain: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    scope: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    print: { type: 'string' },
    'no-cache': { type: 'boolean' },
    'min-valid': { type: 'string' },
  },
  help: `Usage: cogauth m2m [options]

Gets an access token with the OAuth 2.0 client_credentials grant from the user pool domain.
Prints the access token (stdout only), --json, or --print access|header.

Cognito bills every token it issues this way, so the token is cached (0600, in your cache directory,
~/.cache/cogauth/m2m or $XDG_CACHE_HOME/cogauth/m2m) per token endpoint, client and scope set, and the
next call prints it again until fewer than --min-valid seconds are left. The client secret is never
stored; a call with another secret does not find the cached token.

Options:
  --domain <host|url>   pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com (COGAUTH_DOMAIN)
  --client-id <id>      app client with the client_credentials grant (COGAUTH_CLIENT_IDS)
  --client-secret <s>   its secret (COGAUTH_CLIENT_SECRET; a flag leaks into shell history)
  --scope <scope>       custom scope, e.g. orders/read (repeatable; COGAUTH_SCOPES, space-separated)
  --json                {accessToken, tokenType, expiresIn} (expiresIn: seconds left)
  --print <what>        access (default) | header
  --min-valid <s>       request a new token when the cached one has fewer seconds left (default ${DEFAULT_MARGIN})
  --no-cache            always request a new token (it replaces the cached one)

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
    const margin = values['min-valid'] === undefined ? DEFAULT_MARGIN : Number(values['min-valid']);
    if (!Number.isInteger(margin) || margin < 0 || margin > 86_400) {
      throw new UsageError('--min-valid must be a whole number of seconds from 0 to 86400');
    }
    const token = await m2mToken(ctx, requestOf(ctx.config().settings), margin);
    if (json) printJson(io, token);
    else
      io.stdout.write(
        print === 'header' ? `Authorization: Bearer ${token.accessToken}\n` : `${token.accessToken}\n`,
      );
    return 0;
  },
};

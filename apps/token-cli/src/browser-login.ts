import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openBrowser } from './browser-open.js';
import type { Settings } from './config.js';
import { CliError, UsageError } from './errors.js';
import { exchangeToken, oauthEndpoint } from './oauth.js';
import type { Io } from './output.js';
import type { Issued } from './tokens.js';

export interface BrowserLoginOptions {
  /** Fixed loopback port, for app clients whose callback URL names one; default: a random free port. */
  port?: number;
  /** Never try to open a browser; only print the URL. */
  noBrowser?: boolean;
  /** Federated provider to go straight to (Cognito's identity_provider parameter), e.g. Google. */
  identityProvider?: string;
  timeoutMs?: number;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

/**
 * OAuth 2.0 authorization code + PKCE (S256) against the pool domain's /oauth2/authorize and /oauth2/token,
 * with the redirect caught on http://127.0.0.1:<port>/callback (RFC 8252 loopback redirect). `state` is
 * checked before the code is used; the code is useless without the verifier that never leaves this process.
 */
export async function browserLogin(
  io: Io,
  settings: Settings,
  options: BrowserLoginOptions = {},
): Promise<Issued> {
  const { domain, clientId, clientSecret } = settings;
  if (!domain)
    throw new UsageError(
      '--browser needs the pool domain: --domain (or COGAUTH_DOMAIN, or domain in the config)',
    );
  if (!clientId) throw new UsageError('--browser needs --client-id');
  const authorizeUrl = oauthEndpoint(domain, 'authorize');
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const challenge = b64url(createHash('sha256').update(verifier).digest());

  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const codePromise = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    const page = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${text}\n`);
    };
    const got = Buffer.from(url.searchParams.get('state') ?? '');
    const want = Buffer.from(state);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      // Not our request (or a forged one): refuse it and keep waiting for the real redirect.
      page(400, 'cogauth: this sign-in response does not belong to the login in progress (state mismatch).');
      return;
    }
    const error = url.searchParams.get('error');
    const code = url.searchParams.get('code');
    if (error || !code) {
      page(400, `cogauth: sign-in failed: ${error ?? 'no code'}. You can close this tab.`);
      settle?.reject(
        new CliError(`browser login failed: ${error ?? 'the redirect had no code'}${describe(url)}`),
      );
      return;
    }
    page(200, 'cogauth: signed in. You can close this tab and return to the terminal.');
    settle?.resolve(code);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot listen on 127.0.0.1:${options.port ?? 0} for the redirect (${error.code})`);
  });
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope:
      settings.scopes
        ?.split(/[\s,]+/)
        .filter(Boolean)
        .join(' ') || 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  if (options.identityProvider) params.set('identity_provider', options.identityProvider);
  const url = `${authorizeUrl}?${params}`;

  const timer = setTimeout(
    () => settle?.reject(new CliError('browser login timed out waiting for the redirect')),
    options.timeoutMs ?? 300_000,
  );
  try {
    const opened = options.noBrowser ? false : openBrowser(url, io.env);
    io.stderr.write(
      `${opened ? 'Opened your browser to sign in. If it did not open, visit' : 'Open this URL in a browser to sign in'}:\n  ${url}\nWaiting for the redirect to ${redirectUri} …\n`,
    );
    const code = await codePromise;
    return await exchangeToken(
      'browser login failed',
      domain,
      { clientId, clientSecret },
      { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier },
    );
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  }
}

function describe(url: URL): string {
  const text = url.searchParams.get('error_description');
  return text ? ` (${text.slice(0, 200)})` : '';
}

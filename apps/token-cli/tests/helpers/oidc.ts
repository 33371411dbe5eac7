import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface OidcServer {
  /** `http://127.0.0.1:<port>`: plays a Cognito pool domain (/oauth2/authorize, /oauth2/token, /oauth2/revoke). */
  domain: string;
  close(): Promise<void>;
}

export const BROWSER_CLIENT = 'browser-cli';
export const M2M_CLIENT = 'machine';
export const M2M_SECRET = 'machine-secret-0123456789';

/**
 * A certified OpenID Connect server (oidc-provider) on 127.0.0.1 with Cognito's endpoint paths. Its dev
 * interactions serve a plain login form (any username; the test drives it over HTTP) and a consent form.
 */
export async function startOidc(): Promise<OidcServer> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(domain, {
    clients: [
      {
        client_id: BROWSER_CLIENT,
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        // RFC 8252: for a loopback redirect the port is not compared, so the CLI may pick any.
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: M2M_CLIENT,
        client_secret: M2M_SECRET,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        scope: 'orders/read orders/write',
      },
    ],
    scopes: ['openid', 'email', 'profile', 'offline_access', 'orders/read', 'orders/write'],
    routes: {
      authorization: '/oauth2/authorize',
      token: '/oauth2/token',
      revocation: '/oauth2/revoke',
      userinfo: '/oauth2/userInfo',
      jwks: '/.well-known/jwks.json',
    },
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
    },
    // Cognito hands out a refresh token with every authorization code exchange; do the same.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async findAccount(_ctx, sub) {
      return { accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com` }) };
    },
  });
  provider.on('server_error', () => {});
  server.on('request', provider.callback());
  return {
    domain,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

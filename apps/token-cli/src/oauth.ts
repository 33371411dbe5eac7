import { checkedDomain } from './config.js';
import { CliError } from './errors.js';
import { basicAuth, postForm } from './http.js';
import { type Issued, issuedTokens } from './tokens.js';

/** `<domain>/oauth2/<name>` (Cognito's hosted UI paths); https, or http to a loopback host only. */
export function oauthEndpoint(domain: string, name: 'token' | 'authorize' | 'revoke'): string {
  return `${checkedDomain('domain', domain).origin}/oauth2/${name}`;
}

/** The three grants the CLI uses at a pool domain's token endpoint, as their form fields. */
export type Grant =
  | { grant_type: 'authorization_code'; code: string; redirect_uri: string; code_verifier: string }
  | { grant_type: 'client_credentials'; scope?: string }
  | { grant_type: 'refresh_token'; refresh_token: string };

export interface OAuthClient {
  clientId: string;
  /** Sent as HTTP Basic client authentication (RFC 6749 2.3.1) when the app client has one. */
  clientSecret: string | undefined;
}

/** What the token endpoint issued, and its `token_type`. */
export interface TokenAnswer extends Issued {
  tokenType: string | undefined;
}

/**
 * The one token request (RFC 6749 3.2) the CLI makes, for every grant: `login --browser`
 * (authorization_code), `m2m` (client_credentials) and a browser session's refresh (refresh_token).
 * `domain` is the pool domain of the trusted configuration, checked again here; `failed` opens every error
 * ("m2m failed"). Fields that are missing or not of their type in the answer are left out, never guessed.
 */
export async function exchangeToken(
  failed: string,
  domain: string,
  client: OAuthClient,
  grant: Grant,
): Promise<TokenAnswer> {
  const response = await postForm(
    failed,
    oauthEndpoint(domain, 'token'),
    { ...grant, client_id: client.clientId },
    client.clientSecret ? { authorization: basicAuth(client.clientId, client.clientSecret) } : {},
  );
  const body = response.json;
  if (response.status < 200 || response.status >= 300) {
    const error = typeof body.error === 'string' ? body.error : undefined;
    const answered = error === undefined ? `HTTP ${response.status}` : `${error} (HTTP ${response.status})`;
    throw new CliError(`${failed}: the token endpoint answered ${answered}${hintFor(error, grant)}`);
  }
  if (typeof body.access_token !== 'string') {
    throw new CliError(
      `${failed}: the token endpoint answered HTTP ${response.status} without an access_token`,
    );
  }
  return {
    ...issuedTokens({
      accessToken: body.access_token,
      idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
      expiresIn: typeof body.expires_in === 'number' ? body.expires_in : undefined,
    }),
    tokenType: typeof body.token_type === 'string' ? body.token_type : undefined,
  };
}

function hintFor(error: string | undefined, grant: Grant): string {
  switch (error) {
    case 'invalid_client':
      return ' — check --client-id and --client-secret';
    case 'invalid_scope':
      return ' — the app client must be allowed these custom scopes';
    case 'unauthorized_client':
      return ` — enable the ${grant.grant_type} grant on the app client`;
    default:
      return '';
  }
}

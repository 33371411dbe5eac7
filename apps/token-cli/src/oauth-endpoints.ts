import { domainUrl } from './config.js';
import { checkedUrl } from './url-policy.js';

/** `<domain>/oauth2/<name>` (Cognito's hosted UI paths); https, or http to a loopback host only. */
export function oauthEndpoint(domain: string, name: 'token' | 'authorize' | 'revoke'): string {
  const url = checkedUrl('domain', domainUrl(domain));
  let path = url.pathname;
  while (path.endsWith('/')) path = path.slice(0, -1);
  return `${url.origin}${path}/oauth2/${name}`;
}

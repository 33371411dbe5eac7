import { checkedDomain } from './config.js';

/** `<domain>/oauth2/<name>` (Cognito's hosted UI paths); https, or http to a loopback host only. */
export function oauthEndpoint(domain: string, name: 'token' | 'authorize' | 'revoke'): string {
  return `${checkedDomain('domain', domain).origin}/oauth2/${name}`;
}

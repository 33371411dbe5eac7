import { createHmac } from 'node:crypto';

/** Cognito's SECRET_HASH: base64(HMAC-SHA256(key = client secret, message = username + client id)). */
export function secretHashOf(clientSecret: string, username: string, clientId: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId, 'utf8')
    .digest('base64');
}

import { createHmac } from 'node:crypto';

/**
 * Cognito's SECRET_HASH: base64(HMAC-SHA256(key = client secret, message = username + clientId)).
 * `username` must be the user's real username (on refresh: not an email or phone alias).
 */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId, 'utf8')
    .digest('base64');
}

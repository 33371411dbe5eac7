import { createHash, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/** An RS256 key pair shaped like a Cognito signing key, for tokens the authorizer can verify offline. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwks: { keys: Record<string, unknown>[] };
}

export function signingKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = createHash('sha256').update(randomUUID()).digest('base64url').slice(0, 16);
  return {
    kid,
    privateKey,
    jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
  };
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A Cognito-shaped access token for `userPoolId` / `clientId`. */
export function accessToken(
  key: SigningKey,
  opts: { userPoolId: string; clientId: string; groups?: string[]; username?: string },
): string {
  const now = Math.floor(Date.now() / 1000);
  const region = opts.userPoolId.split('_')[0];
  const payload: Record<string, unknown> = {
    sub: randomUUID(),
    iss: `https://cognito-idp.${region}.amazonaws.com/${opts.userPoolId}`,
    client_id: opts.clientId,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now - 5,
    exp: now + 3600,
    iat: now - 5,
    jti: randomUUID(),
    username: opts.username ?? 'alice',
  };
  if (opts.groups !== undefined) payload['cognito:groups'] = opts.groups;
  const signingInput = `${b64url({ kid: key.kid, alg: 'RS256' })}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

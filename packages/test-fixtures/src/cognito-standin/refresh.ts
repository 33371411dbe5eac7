import { type AuthAnswer, type Ctx, checkSecretHash, requireFlow } from './context.js';
import { fail, missingParameter, notAuthorized } from './errors.js';
import { type Body, optionalString, requiredString } from './input.js';
import type { AppClient, RefreshRecord } from './model.js';

// Refresh tokens: InitiateAuth REFRESH_TOKEN_AUTH / REFRESH_TOKEN (new ID and access tokens, no new refresh
// token), GetTokensFromRefreshToken (API_GetTokensFromRefreshToken: with RefreshTokenRotation ENABLED it
// also issues a new refresh token and invalidates the old one after RetryGracePeriodSeconds; reuse after
// that is RefreshTokenReuseException) and RevokeToken (API_RevokeToken). The developer guide's refresh
// token page: rotation "isn't compatible with the authentication flow REFRESH_TOKEN_AUTH" and needs that
// flow off, so a rotating client here has no ALLOW_REFRESH_TOKEN_AUTH. A token issued to a tracked device
// refreshes only with that DEVICE_KEY. Not documented: whether a rotated token keeps the original expiry
// (the stand-in keeps it, so rotation never lengthens a session).

function liveRecord(ctx: Ctx, token: string, client: AppClient): RefreshRecord {
  const record = ctx.store.refreshTokens.get(token);
  const now = ctx.store.now();
  if (!record || record.clientId !== client.id) throw notAuthorized('Invalid Refresh Token');
  if (ctx.store.revokedOrigins.has(record.originJti)) throw notAuthorized('Refresh Token has been revoked');
  if (record.expiresAt <= now) throw notAuthorized('Refresh Token has expired');
  if (record.replacedUntil !== undefined && record.replacedUntil <= now) {
    throw fail('RefreshTokenReuseException', 'Refresh token has been invalidated by refresh token rotation.');
  }
  return record;
}

function checkDevice(record: RefreshRecord, given: string | undefined): void {
  if (record.deviceKey !== undefined && given !== record.deviceKey)
    throw notAuthorized('Invalid Refresh Token');
}

function reissue(ctx: Ctx, client: AppClient, record: RefreshRecord, rotate: boolean) {
  const pool = ctx.store.pool(record.poolId);
  const user = ctx.store.activeUser(record.poolId, record.username);
  return ctx.tokens.issue({
    pool,
    client,
    user,
    deviceKey: record.deviceKey,
    authTime: record.authTime,
    originJti: record.originJti,
    withRefreshToken: rotate,
    refreshExpiresAt: record.expiresAt,
  });
}

export function refreshSignIn(ctx: Ctx, client: AppClient, params: Record<string, string>): AuthAnswer {
  requireFlow(client, 'ALLOW_REFRESH_TOKEN_AUTH', 'REFRESH_TOKEN_AUTH');
  const token = params.REFRESH_TOKEN;
  if (token === undefined) throw missingParameter('REFRESH_TOKEN');
  const record = liveRecord(ctx, token, client);
  checkSecretHash(client, record.username, params.SECRET_HASH);
  checkDevice(record, params.DEVICE_KEY);
  return { AuthenticationResult: reissue(ctx, client, record, false), ChallengeParameters: {} };
}

function checkClientSecret(
  client: AppClient,
  given: string | undefined,
  type: 'NotAuthorizedException' | 'UnauthorizedException',
) {
  if (client.secret === undefined && given === undefined) return;
  if (given !== client.secret) throw fail(type, `Unable to verify client secret for client ${client.id}`);
}

export function getTokensFromRefreshToken(ctx: Ctx, body: Body) {
  const token = requiredString(body, 'RefreshToken');
  const client = ctx.store.client(requiredString(body, 'ClientId', 128));
  checkClientSecret(client, optionalString(body, 'ClientSecret', 64), 'NotAuthorizedException');
  const record = liveRecord(ctx, token, client);
  checkDevice(record, optionalString(body, 'DeviceKey', 55));
  const rotate = client.rotation.enabled;
  if (rotate && record.replacedUntil === undefined) {
    record.replacedUntil = ctx.store.now() + client.rotation.retryGracePeriodSeconds * 1000;
  }
  return { AuthenticationResult: reissue(ctx, client, record, rotate) };
}

/**
 * RevokeToken revokes a refresh token and every token of its sign-in (the access tokens then fail GetUser
 * with "Access Token has been revoked"). An unknown token is a success, as RFC 7009 §2.2 says; a token of
 * another client or a wrong ClientSecret is UnauthorizedException; an ID or access token is
 * UnsupportedTokenTypeException; a client with EnableTokenRevocation false is UnsupportedOperationException
 * ("an operation that isn't enabled for the user pool client").
 */
export function revokeToken(ctx: Ctx, body: Body) {
  const token = requiredString(body, 'Token');
  const client = ctx.store.clients.get(requiredString(body, 'ClientId', 128));
  if (!client) throw fail('UnauthorizedException', 'Invalid client');
  checkClientSecret(client, optionalString(body, 'ClientSecret', 64), 'UnauthorizedException');
  if (!client.enableTokenRevocation) {
    throw fail('UnsupportedOperationException', 'Token revocation is not enabled for this app client.');
  }
  if (token.split('.').length === 3)
    throw fail('UnsupportedTokenTypeException', 'Only refresh tokens can be revoked');
  const record = ctx.store.refreshTokens.get(token);
  if (!record) return {};
  if (record.clientId !== client.id)
    throw fail('UnauthorizedException', 'The token was not issued to this client');
  ctx.store.revokedOrigins.add(record.originJti);
  return {};
}

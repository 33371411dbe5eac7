import { randomUUID } from 'node:crypto';
import { signJwt, type TestKey } from '../keys.js';
import { notAuthorized } from './errors.js';
import { newRefreshToken } from './ids.js';
import type { AppClient, Pool, RefreshRecord, User } from './model.js';
import type { Store } from './store.js';

// Token issuing with Cognito's claim shapes (developer guide, "Understanding user pool JSON web tokens":
// the access token and the ID token pages). RS256, header {kid, alg} only; the public key is served at
// `<issuer>/.well-known/jwks.json`. Refresh tokens are opaque. Access tokens are remembered so the
// operations authorised by one (GetUser, ConfirmDevice, ...) can refuse unknown, expired or revoked ones.

export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  IdToken: string;
  RefreshToken?: string;
  NewDeviceMetadata?: { DeviceKey: string; DeviceGroupKey: string };
}

export interface IssueInput {
  pool: Pool;
  client: AppClient;
  user: User;
  deviceKey: string | undefined;
  /** Seconds: when the user signed in (kept across refreshes). */
  authTime: number;
  /** Continue a refresh-token family, or undefined for a new sign-in. */
  originJti?: string;
  /** Issue a refresh token too (sign-in, rotation); a plain refresh does not. */
  withRefreshToken: boolean;
  /** A rotated refresh token keeps its predecessor's expiry (milliseconds). */
  refreshExpiresAt?: number;
}

interface AccessRecord {
  poolId: string;
  username: string;
  clientId: string;
  originJti: string;
  exp: number;
}

export class TokenIssuer {
  readonly #store: Store;
  readonly #key: TestKey;
  readonly #access = new Map<string, AccessRecord>();

  constructor(store: Store, key: TestKey) {
    this.#store = store;
    this.#key = key;
  }

  jwks(): { keys: Record<string, unknown>[] } {
    const { kty, n, e, kid, alg, use } = this.#key.publicJwk;
    return { keys: [{ alg, e, kid, kty, n, use }] };
  }

  issue(input: IssueInput): AuthenticationResult {
    const { pool, client, user } = input;
    const iat = Math.floor(this.#store.now() / 1000);
    const originJti = input.originJti ?? randomUUID();
    const common = {
      sub: user.sub,
      ...(user.groups.length > 0 ? { 'cognito:groups': [...user.groups] } : {}),
      iss: pool.issuer,
      origin_jti: originJti,
      event_id: randomUUID(),
      auth_time: input.authTime,
      iat,
      jti: randomUUID(),
    };
    const accessExp = iat + client.accessTokenSeconds;
    const access = {
      ...common,
      ...(input.deviceKey ? { device_key: input.deviceKey } : {}),
      client_id: client.id,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      exp: accessExp,
      username: user.username,
    };
    const id = {
      ...common,
      ...idAttributes(user),
      'cognito:username': user.username,
      aud: client.id,
      token_use: 'id',
      exp: iat + client.idTokenSeconds,
    };
    const header = { typ: undefined };
    const AccessToken = signJwt(access, this.#key, header);
    this.#access.set(AccessToken, {
      poolId: pool.id,
      username: user.username,
      clientId: client.id,
      originJti,
      exp: accessExp,
    });
    const result: AuthenticationResult = {
      AccessToken,
      ExpiresIn: client.accessTokenSeconds,
      TokenType: 'Bearer',
      IdToken: signJwt(id, this.#key, header),
    };
    if (input.withRefreshToken) result.RefreshToken = this.#refresh(input, originJti).token;
    return result;
  }

  #refresh(input: IssueInput, originJti: string): RefreshRecord {
    const record: RefreshRecord = {
      token: newRefreshToken(),
      poolId: input.pool.id,
      clientId: input.client.id,
      username: input.user.username,
      originJti,
      deviceKey: input.deviceKey,
      authTime: input.authTime,
      expiresAt: input.refreshExpiresAt ?? this.#store.now() + input.client.refreshTokenSeconds * 1000,
      replacedUntil: undefined,
    };
    this.#store.refreshTokens.set(record.token, record);
    return record;
  }

  /** The user an access token was issued to; NotAuthorizedException for anything else. */
  userOf(accessToken: string): { user: User; clientId: string } {
    const record = this.#access.get(accessToken);
    if (!record) throw notAuthorized('Invalid Access Token');
    if (record.exp * 1000 <= this.#store.now()) throw notAuthorized('Access Token has expired');
    if (this.#store.revokedOrigins.has(record.originJti))
      throw notAuthorized('Access Token has been revoked');
    return { user: this.#store.activeUser(record.poolId, record.username), clientId: record.clientId };
  }
}

/** User attributes as ID-token claims: `*_verified` as booleans, the rest as strings; `sub` is already there. */
function idAttributes(user: User): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name === 'sub') continue;
    out[name] = name.endsWith('_verified') ? value === 'true' : value;
  }
  return out;
}

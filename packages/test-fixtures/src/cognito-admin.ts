import { createHmac } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';

export interface CognitoPool {
  poolId: string;
  /** `http://127.0.0.1:<port>/<poolId>` — the `iss` of this pool's tokens. */
  issuer: string;
  /** `<issuer>/.well-known/jwks.json` */
  jwksUri: string;
}

export interface CognitoAppClient {
  clientId: string;
  clientSecret?: string;
}

export interface CreateClientOptions {
  name?: string;
  /** Generate a client secret (cognito-local stores it but does not check SECRET_HASH). */
  secret?: boolean;
}

export interface CreateUserOptions {
  /** Groups to add the user to; missing groups are created. */
  groups?: readonly string[];
  /** Sets `email` and `email_verified=true`; only then does the ID token carry `email`. */
  email?: string;
  /** Default true: the user is CONFIRMED. false leaves FORCE_CHANGE_PASSWORD (login then throws). */
  permanent?: boolean;
}

export interface CognitoUser {
  username: string;
  sub: string;
}

export interface CognitoTokens {
  accessToken: string;
  idToken: string;
  refreshToken: string;
  /** Seconds. */
  expiresIn: number;
  tokenType: string;
}

/** The admin and login calls a test makes against cognito-local. */
export interface CognitoAdmin {
  issuerFor(poolId: string): string;
  createPool(name?: string): Promise<CognitoPool>;
  createClient(poolId: string, options?: CreateClientOptions): Promise<CognitoAppClient>;
  createGroup(poolId: string, name: string): Promise<void>;
  createUser(
    poolId: string,
    username: string,
    password: string,
    options?: CreateUserOptions,
  ): Promise<CognitoUser>;
  /** USER_PASSWORD_AUTH. Sends SECRET_HASH when the client was created here with a secret. */
  login(poolId: string, clientId: string, username: string, password: string): Promise<CognitoTokens>;
  /** REFRESH_TOKEN_AUTH; the returned refreshToken is the one passed in. */
  refresh(clientId: string, refreshToken: string, username?: string): Promise<CognitoTokens>;
}

function secretHash(clientId: string, clientSecret: string, username: string): string {
  return createHmac('sha256', clientSecret)
    .update(username + clientId)
    .digest('base64');
}

// cognito-local leaves ExpiresIn out; derive it from the access token like Cognito would report it.
function secondsLeft(jwt: string): number {
  const payload: unknown = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const exp = (payload as { exp?: unknown }).exp;
  return typeof exp === 'number' ? Math.max(0, exp - Math.floor(Date.now() / 1000)) : 0;
}

function toTokens(out: InitiateAuthCommandOutput, refreshToken?: string): CognitoTokens {
  if (out.ChallengeName) {
    throw new Error(`login: Cognito answered with challenge ${out.ChallengeName} instead of tokens`);
  }
  const r = out.AuthenticationResult;
  const refresh = r?.RefreshToken ?? refreshToken;
  if (!r?.AccessToken || !r.IdToken || !refresh) {
    throw new Error('login: AuthenticationResult lacks tokens');
  }
  return {
    accessToken: r.AccessToken,
    idToken: r.IdToken,
    refreshToken: refresh,
    expiresIn: r.ExpiresIn ?? secondsLeft(r.AccessToken),
    tokenType: r.TokenType ?? 'Bearer',
  };
}

/** The calls of {@link CognitoAdmin} on an SDK client pointed at the emulator at `endpoint`. */
export function cognitoAdmin(client: CognitoIdentityProviderClient, endpoint: string): CognitoAdmin {
  const secrets = new Map<string, string>();
  const issuerFor = (poolId: string) => `${endpoint}/${poolId}`;

  // cognito-local answers GetGroup for a missing group with a bare 500, so look the group up in the list.
  const ensureGroup = async (poolId: string, name: string) => {
    const out = await client.send(new ListGroupsCommand({ UserPoolId: poolId }));
    if (out.Groups?.some((g) => g.GroupName === name)) return;
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
  };

  const initiateAuth = async (
    clientId: string,
    flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH',
    parameters: Record<string, string>,
    username: string | undefined,
  ): Promise<InitiateAuthCommandOutput> => {
    const secret = secrets.get(clientId);
    const authParameters: Record<string, string> = { ...parameters };
    if (secret && username) authParameters.SECRET_HASH = secretHash(clientId, secret, username);
    return client.send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: flow, AuthParameters: authParameters }),
    );
  };

  return {
    issuerFor,
    async createPool(name) {
      const out = await client.send(
        new CreateUserPoolCommand({ PoolName: name ?? `pool-${Date.now().toString(36)}` }),
      );
      const poolId = out.UserPool?.Id;
      if (!poolId) throw new Error('createPool: no pool id in the response');
      const issuer = issuerFor(poolId);
      return { poolId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
    },
    async createClient(poolId, opts = {}) {
      const out = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: opts.name ?? 'cogauth-test-client',
          GenerateSecret: opts.secret ?? false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        }),
      );
      const clientId = out.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('createClient: no client id in the response');
      const clientSecret = out.UserPoolClient?.ClientSecret;
      if (opts.secret && !clientSecret) throw new Error('createClient: secret requested but none returned');
      if (clientSecret) secrets.set(clientId, clientSecret);
      return clientSecret ? { clientId, clientSecret } : { clientId };
    },
    async createGroup(poolId, name) {
      await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: name }));
    },
    async createUser(poolId, username, password, opts = {}) {
      const attributes: AttributeType[] = [];
      if (opts.email !== undefined) {
        attributes.push({ Name: 'email', Value: opts.email }, { Name: 'email_verified', Value: 'true' });
      }
      const out = await client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          TemporaryPassword: password,
          MessageAction: 'SUPPRESS',
          UserAttributes: attributes,
        }),
      );
      const sub = out.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
      if (!sub) throw new Error('createUser: no sub in the response');
      if (opts.permanent ?? true) {
        await client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: poolId,
            Username: username,
            Password: password,
            Permanent: true,
          }),
        );
      }
      for (const group of opts.groups ?? []) {
        await ensureGroup(poolId, group);
        await client.send(
          new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: username, GroupName: group }),
        );
      }
      return { username, sub };
    },
    async login(_poolId, clientId, username, password) {
      const params = { USERNAME: username, PASSWORD: password };
      return toTokens(await initiateAuth(clientId, 'USER_PASSWORD_AUTH', params, username));
    },
    async refresh(clientId, refreshToken, username) {
      const params = { REFRESH_TOKEN: refreshToken };
      return toTokens(await initiateAuth(clientId, 'REFRESH_TOKEN_AUTH', params, username), refreshToken);
    },
  };
}

import type { CognitoAppClient, CognitoPool, CognitoTokens } from './cognito-admin.js';
import { type CognitoLocal, startCognitoLocal } from './cognito-local.js';
import { type Offline, type OfflineOptions, startOffline } from './offline.js';

/** A user to create: the password is set permanently, the groups are created first. */
export interface LocalUserSpec {
  readonly password: string;
  readonly groups: readonly string[];
}

export interface LocalUser {
  username: string;
  sub: string;
  password: string;
  groups: string[];
  tokens: CognitoTokens;
}

/** The verifier options of one pool, as the authorizer reads them from COGAUTH_POOLS. */
export interface LocalPoolOptions {
  userPoolId: string;
  issuer?: string;
  jwksUri?: string;
  tokenUse?: 'access' | 'id' | 'any';
  clientId?: string | string[];
  [option: string]: unknown;
}

export interface LocalStackOptions<U extends string> extends OfflineOptions {
  /** The users to create in the pool, by username; each is logged in once (tokens included). */
  users: Readonly<Record<U, LocalUserSpec>>;
  /** Groups to create before the users (a user's missing groups are created anyway). */
  groups?: readonly string[];
  /** Default `cogauth-local`. */
  poolName?: string;
  /** Appended to COGAUTH_POOLS after the cognito-local pool. */
  extraPools?: LocalPoolOptions[];
  /** Kept across runs when given; default a temp dir removed on stop(). */
  cognitoDataDir?: string;
}

export interface LocalStack<U extends string> {
  cognito: CognitoLocal;
  pool: CognitoPool;
  client: CognitoAppClient;
  users: Record<U, LocalUser>;
  /** The COGAUTH_POOLS value the authorizer runs with. */
  pools: LocalPoolOptions[];
  offline: Offline;
  restUrl: string;
  httpApiUrl: string;
  /** Stops serverless offline, then cognito-local. Idempotent. */
  stop(): Promise<void>;
}

/**
 * cognito-local with one pool, one app client, `groups` and `users` (logged in), then `serverless offline`
 * for `serviceDir` with the authorizer configured for that pool through COGAUTH_POOLS. Everything listens
 * on 127.0.0.1; on failure everything started so far is stopped before the error is thrown.
 */
export async function startLocalStack<U extends string>(
  options: LocalStackOptions<U>,
): Promise<LocalStack<U>> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const cognito = await startCognitoLocal(
      options.cognitoDataDir === undefined ? {} : { dataDir: options.cognitoDataDir },
    );
    stops.push(() => cognito.stop());
    const name = options.poolName ?? 'cogauth-local';
    const pool = await cognito.createPool(name);
    const client = await cognito.createClient(pool.poolId, { name: `${name}-client` });
    for (const group of options.groups ?? []) await cognito.createGroup(pool.poolId, group);

    const users = {} as Record<U, LocalUser>;
    for (const [username, spec] of Object.entries(options.users) as [U, LocalUserSpec][]) {
      const groups = [...spec.groups];
      const { sub } = await cognito.createUser(pool.poolId, username, spec.password, { groups });
      const tokens = await cognito.login(pool.poolId, client.clientId, username, spec.password);
      users[username] = { username, sub, password: spec.password, groups, tokens };
    }

    const pools: LocalPoolOptions[] = [
      {
        userPoolId: pool.poolId,
        issuer: pool.issuer,
        jwksUri: pool.jwksUri,
        tokenUse: 'access',
        clientId: client.clientId,
      },
      ...(options.extraPools ?? []),
    ];
    const offline = await startOffline({
      serviceDir: options.serviceDir,
      ...(options.oslsBin === undefined ? {} : { oslsBin: options.oslsBin }),
      ...(options.stage === undefined ? {} : { stage: options.stage }),
      ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
      env: { COGAUTH_POOLS: JSON.stringify(pools), ...options.env },
    });
    stops.push(() => offline.stop());
    return {
      cognito,
      pool,
      client,
      users,
      pools,
      offline,
      restUrl: offline.restUrl,
      httpApiUrl: offline.httpApiUrl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

import { fail, notAuthorized } from './errors.js';
import type { AppClient, Device, Pool, RefreshRecord, User } from './model.js';

// Everything the stand-in remembers, plus its clock: real time plus an offset tests can advance, for
// everything that expires (tokens, sessions, codes, lockouts) and for TOTP. SRP's TIMESTAMP is compared
// with the machine's clock instead, which the client shares: a test that advanced the stand-in's clock
// must still be able to sign in with SRP.

export class Store {
  readonly pools = new Map<string, Pool>();
  readonly clients = new Map<string, AppClient>();
  /** `<poolId>/<username>` -> user. */
  readonly users = new Map<string, User>();
  readonly devices = new Map<string, Device>();
  readonly refreshTokens = new Map<string, RefreshRecord>();
  /** origin_jti values RevokeToken revoked: their access tokens are refused too. */
  readonly revokedOrigins = new Set<string>();
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /** The machine's clock, for values the client stamps itself (SRP TIMESTAMP). */
  wallClock(): number {
    return Date.now();
  }

  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }

  pool(poolId: string): Pool {
    const pool = this.pools.get(poolId);
    if (!pool) throw fail('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
    return pool;
  }

  /** The app client named in a request; unknown ids are ResourceNotFoundException, as in Cognito. */
  client(clientId: string): AppClient {
    const client = this.clients.get(clientId);
    if (!client) throw fail('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
    return client;
  }

  userKey(poolId: string, username: string): string {
    return `${poolId}/${username}`;
  }

  /** By username, or by a sign-in alias (email, phone_number) when the pool allows one. */
  findUser(poolId: string, name: string): User | undefined {
    const direct = this.users.get(this.userKey(poolId, name));
    if (direct) return direct;
    const pool = this.pool(poolId);
    if (pool.signInAliases.size === 0) return undefined;
    for (const user of this.users.values()) {
      if (user.poolId !== poolId) continue;
      for (const alias of pool.signInAliases) if (user.attributes[alias] === name) return user;
    }
    return undefined;
  }

  /** A user the test control API names; a typo there is a test bug, so it throws a plain Error. */
  requireUser(poolId: string, username: string): User {
    const user = this.users.get(this.userKey(poolId, username));
    if (!user) throw new Error(`cognito stand-in: no user ${username} in pool ${poolId}`);
    return user;
  }

  /** The user a token or session belongs to, which may have been deleted or disabled since. */
  activeUser(poolId: string, username: string): User {
    const user = this.users.get(this.userKey(poolId, username));
    if (!user) throw fail('UserNotFoundException', 'User does not exist.');
    if (!user.enabled) throw notAuthorized('User is disabled.');
    return user;
  }

  devicesOf(poolId: string, username: string): Device[] {
    return [...this.devices.values()].filter((d) => d.poolId === poolId && d.username === username);
  }
}

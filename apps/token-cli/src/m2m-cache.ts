import { createHmac } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { removeLeftovers, writeFileAtomic } from './atomic-file.js';
import { userCacheDir } from './paths.js';

type Env = Record<string, string | undefined>;

// Cognito bills every client_credentials token it issues, and its M2M access tokens live 5 minutes to a
// day, so `cogauth m2m` keeps the last token per token endpoint, app client and scope set and hands it out
// again until it is about to expire. The client secret is never written: it keys the HMAC that names the
// file, so only a caller holding the same secret finds the token (a wrong secret still gets invalid_client
// from the token endpoint, as without a cache).

/** What a cached token was issued for; scopes sorted and without duplicates. */
export interface M2mCacheKey {
  tokenEndpoint: string;
  clientId: string;
  scopes: string[];
}

export interface CachedToken {
  accessToken: string;
  tokenType: string | null;
  /** ms since the epoch, on this machine's clock: the time of the request plus the answer's lifetime. */
  expiresAt: number;
}

export type CacheLookup =
  | { state: 'hit'; token: CachedToken }
  | { state: 'miss' }
  | { state: 'refused'; path: string; why: string };

/** Cognito's access tokens live at most one day: a cache file older than that holds nothing usable. */
const MAX_TOKEN_LIFETIME_MS = 86_400_000;
const FILE_NAME = /^[0-9a-f]{64}\.json$/;

export function cacheKeyOf(tokenEndpoint: string, clientId: string, scopes: readonly string[]): M2mCacheKey {
  return { tokenEndpoint, clientId, scopes: [...new Set(scopes)].sort() };
}

export function m2mCacheDir(env: Env): string {
  return join(userCacheDir(env), 'm2m');
}

/** `<cache>/m2m/<HMAC-SHA256(secret, [endpoint, client, scopes])>.json`: names nothing, stores no secret. */
export function cachePath(env: Env, key: M2mCacheKey, secret: string): string {
  const data = JSON.stringify([key.tokenEndpoint, key.clientId, key.scopes]);
  return join(m2mCacheDir(env), `${createHmac('sha256', secret).update(data).digest('hex')}.json`);
}

/**
 * The cached token for `key` when it stays valid for more than `minValidMs`. A file that is not a regular
 * file of this user with mode 0600 (a link, another user's, readable by others), or that was written for
 * another key, is refused and deleted unused: its token may not be this caller's to use. A file that
 * cannot be read at all (permissions, I/O) throws, for the caller to go on without the cache.
 */
export function readCachedToken(
  env: Env,
  key: M2mCacheKey,
  secret: string,
  minValidMs: number,
  nowMs = Date.now(),
): CacheLookup {
  const path = cachePath(env, key, secret);
  let text: string;
  try {
    text = readOwnFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { state: 'miss' };
    if (code === 'ELOOP') return refuse(path, 'it is a symbolic link');
    if (error instanceof Refusal) return refuse(path, error.message);
    throw error;
  }
  const token = tokenFor(key, text);
  if (token === undefined) return refuse(path, 'it is not a cogauth token cache entry for this client');
  return token.expiresAt - nowMs > minValidMs ? { state: 'hit', token } : { state: 'miss' };
}

/** Saves `token` for `key` (0600 in a 0700 directory, atomically) and drops files too old to hold a live token. */
export function writeCachedToken(env: Env, key: M2mCacheKey, secret: string, token: CachedToken): void {
  const dir = m2mCacheDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(join(dir, '..'), 0o700);
  chmodSync(dir, 0o700);
  const entry = { version: 1, ...key, ...token };
  const path = cachePath(env, key, secret);
  writeFileAtomic(path, `${JSON.stringify(entry)}\n`);
  removeLeftovers(path, 60_000);
  pruneOld(dir, Date.now());
}

class Refusal extends Error {}

/** Reads a regular file owned by this user that only this user may read or write; never follows a link. */
function readOwnFile(path: string): string {
  // O_NONBLOCK: a FIFO planted under the name must not hold the open; fstat refuses it next.
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Refusal('it is not a regular file');
    if (process.platform !== 'win32') {
      if ((stat.mode & 0o077) !== 0) {
        throw new Refusal(`group or others may access it (mode ${(stat.mode & 0o777).toString(8)})`);
      }
      if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
        throw new Refusal(`it belongs to another user (uid ${stat.uid})`);
      }
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

function refuse(path: string, why: string): CacheLookup {
  rmSync(path, { force: true });
  return { state: 'refused', path, why };
}

/** The entry's token when the file holds exactly `key`'s entry; undefined for anything else. */
function tokenFor(key: M2mCacheKey, text: string): CachedToken | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { accessToken, tokenType, expiresAt, scopes } = entry;
  const sameKey =
    entry.version === 1 &&
    entry.tokenEndpoint === key.tokenEndpoint &&
    entry.clientId === key.clientId &&
    Array.isArray(scopes) &&
    scopes.length === key.scopes.length &&
    scopes.every((scope, i) => scope === key.scopes[i]);
  if (!sameKey || typeof accessToken !== 'string' || accessToken === '') return undefined;
  if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) return undefined;
  if (tokenType !== null && typeof tokenType !== 'string') return undefined;
  return { accessToken, tokenType, expiresAt };
}

function pruneOld(dir: string, nowMs: number): void {
  for (const name of readdirSync(dir)) {
    if (!FILE_NAME.test(name)) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      if (stat.isFile() && nowMs - stat.mtimeMs > MAX_TOKEN_LIFETIME_MS) rmSync(path, { force: true });
    } catch {
      // gone already
    }
  }
}

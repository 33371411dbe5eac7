import { chmodSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeLeftovers, writeFileAtomic } from './atomic-file.js';
import { CliError, UsageError } from './errors.js';
import { userStateDir } from './paths.js';

type Env = Record<string, string | undefined>;

/** What `cogauth login` keeps so `cogauth token` can print (and refresh) a token later. */
export interface StoredSession {
  version: 1;
  profile: string;
  /** `cognito`: InitiateAuth REFRESH_TOKEN_AUTH; `oauth`: `<domain>/oauth2/token` (browser login). */
  kind: 'cognito' | 'oauth';
  clientId: string;
  userPoolId?: string;
  region?: string;
  endpoint?: string;
  domain?: string;
  /** The real username (SECRET_HASH needs it on refresh), when known. */
  username?: string;
  /** The device Cognito bound the tokens to (pools that track devices): a refresh must name it. */
  deviceKey?: string;
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /**
   * `GetTokensFromRefreshToken` once Cognito refused REFRESH_TOKEN_AUTH for this client (it rotates
   * refresh tokens); absent: REFRESH_TOKEN_AUTH. Only picks the operation, never where it is sent.
   */
  refreshWith?: RefreshOperation;
  /** When the access token expires, ms since the epoch. */
  expiresAt: number;
}

export type RefreshOperation = 'GetTokensFromRefreshToken';

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A profile name also names its session file: letters, digits, ".", "_" and "-", never "..". */
export function checkProfileName(profile: string): void {
  if (!PROFILE_NAME.test(profile) || profile.includes('..')) {
    throw new UsageError(`profile name "${profile}" may hold only letters, digits, ".", "_" and "-"`);
  }
}

export function sessionPath(env: Env, profile: string): string {
  checkProfileName(profile);
  return join(userStateDir(env), 'sessions', `${profile}.json`);
}

/** A 0700 directory for the sessions (and the cogauth state directory above it, 0700 too). */
export function sessionDir(env: Env): string {
  const dir = join(userStateDir(env), 'sessions');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(join(dir, '..'), 0o700);
  chmodSync(dir, 0o700);
  return dir;
}

/** A temp file this old was left by a writer that died before its rename (a write takes milliseconds). */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Written to a 0600 temp file in a 0700 directory, flushed, then renamed: never readable by others, never
 * half-written, so a crash keeps the old session (and its refresh token) intact.
 */
export function saveSession(env: Env, session: StoredSession): string {
  const path = sessionPath(env, session.profile);
  sessionDir(env);
  writeFileAtomic(path, `${JSON.stringify(session, null, 2)}\n`);
  removeLeftovers(path, LEFTOVER_AGE_MS);
  return path;
}

/** A session file as found: absent, refused (with why), or a session that passed every check. */
export type FoundSession =
  | { state: 'none'; path: string }
  | { state: 'refused'; path: string; why: string; hint: string }
  | { state: 'ok'; path: string; session: StoredSession };

/**
 * Reads the session of `profile` without trusting it: a file that group or others can read or write, or
 * that another user owns, is refused (its tokens and the servers it names may be someone else's), and so
 * is one that is not a cogauth session. Only `ok` may be used; `logout` deletes the others unread.
 */
export function findSession(env: Env, profile: string): FoundSession {
  const path = sessionPath(env, profile);
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none', path };
    throw new CliError(`cannot read the session ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const logout = `run "cogauth logout${profile === 'default' ? '' : ` --profile ${profile}`}"`;
  if (process.platform !== 'win32') {
    if ((mode & 0o077) !== 0) {
      const why = `group or others may access it (mode ${(mode & 0o777).toString(8)})`;
      return { state: 'refused', path, why, hint: `its tokens may be exposed: ${logout} and log in again` };
    }
    if (typeof process.getuid === 'function' && uid !== process.getuid()) {
      return { state: 'refused', path, why: `it belongs to another user (uid ${uid})`, hint: logout };
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { state: 'refused', path, why: 'it is not valid JSON', hint: `${logout} and log in again` };
  }
  if (!isSession(parsed)) {
    return { state: 'refused', path, why: 'it is not a cogauth session', hint: `${logout} and log in again` };
  }
  return { state: 'ok', path, session: parsed };
}

/** The stored session, or undefined when there is none; a refused file is an error that says why. */
export function loadSession(env: Env, profile: string): StoredSession | undefined {
  const found = findSession(env, profile);
  if (found.state === 'none') return undefined;
  if (found.state === 'refused')
    throw new CliError(`refusing the session ${found.path}: ${found.why}; ${found.hint}`);
  return found.session;
}

export function deleteSession(env: Env, profile: string): boolean {
  const path = sessionPath(env, profile);
  removeLeftovers(path, 0);
  try {
    statSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}

function isSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    s.version === 1 &&
    (s.kind === 'cognito' || s.kind === 'oauth') &&
    typeof s.profile === 'string' &&
    typeof s.clientId === 'string' &&
    typeof s.accessToken === 'string' &&
    typeof s.expiresAt === 'number' &&
    (s.refreshWith === undefined || s.refreshWith === 'GetTokensFromRefreshToken') &&
    (s.deviceKey === undefined || typeof s.deviceKey === 'string')
  );
}

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
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
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  /** When the access token expires, ms since the epoch. */
  expiresAt: number;
}

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function sessionPath(env: Env, profile: string): string {
  if (!PROFILE_NAME.test(profile) || profile.includes('..')) {
    throw new UsageError(`profile name "${profile}" may hold only letters, digits, ".", "_" and "-"`);
  }
  return join(userStateDir(env), 'sessions', `${profile}.json`);
}

/** Written to a 0600 temp file in a 0700 directory, then renamed: never readable by others, never half-written. */
export function saveSession(env: Env, session: StoredSession): string {
  const path = sessionPath(env, session.profile);
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(join(dir, '..'), 0o700);
  chmodSync(dir, 0o700);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(session, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return path;
}

/**
 * The stored session, or undefined when there is none. A file that group or others can read or write, or
 * that another user owns, is refused: its tokens may already be someone else's.
 */
export function loadSession(
  env: Env,
  profile: string,
  options: { ignoreMode?: boolean } = {},
): StoredSession | undefined {
  const path = sessionPath(env, profile);
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read the session ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (process.platform !== 'win32' && !options.ignoreMode) {
    if ((mode & 0o077) !== 0) {
      throw new CliError(
        `refusing the session ${path}: group or others may access it (mode ${(mode & 0o777).toString(8)}); ` +
          `its tokens may be exposed: run "cogauth logout${profile === 'default' ? '' : ` --profile ${profile}`}" and log in again`,
      );
    }
    if (typeof process.getuid === 'function' && uid !== process.getuid()) {
      throw new CliError(`refusing the session ${path}: it belongs to another user (uid ${uid})`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new CliError(`the session ${path} is not valid JSON: run "cogauth logout" and log in again`);
  }
  if (!isSession(parsed)) {
    throw new CliError(`the session ${path} is not a cogauth session: run "cogauth logout" and log in again`);
  }
  return parsed;
}

export function deleteSession(env: Env, profile: string): boolean {
  const path = sessionPath(env, profile);
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
    typeof s.expiresAt === 'number'
  );
}

import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CliError } from './errors.js';
import { checkProfileName, type StoredSession, saveSession, sessionDir } from './session-store.js';

type Env = Record<string, string | undefined>;

/**
 * Older than this, a lock is left over from a process that died: a holder makes at most two Cognito calls
 * of 15 s each (REFRESH_TOKEN_AUTH, then GetTokensFromRefreshToken) and writes one file.
 */
export const STALE_LOCK_MS = 40_000;
const POLL_MS = 25;

/**
 * Runs `work` while holding `<profile>.lock` beside the session, so two `cogauth token` at once refresh
 * one after the other: on a client that rotates refresh tokens the second would otherwise send the token
 * the first just replaced, which Cognito refuses once the client's grace period is over
 * (RefreshTokenReuseException), ending the session. `work` must read the session again: the other
 * process may have refreshed it already. The lock is `wx` (created only if absent); one left by a process
 * that died (its pid is gone from this host, or it is older than STALE_LOCK_MS) is removed.
 */
export async function withSessionLock<T>(env: Env, profile: string, work: () => Promise<T>): Promise<T> {
  checkProfileName(profile);
  const path = join(sessionDir(env), `${profile}.lock`);
  const mine = `${process.pid} ${hostname()} ${Date.now()}\n`;
  await acquire(path, mine);
  const release = () => releaseIfMine(path, mine);
  process.once('exit', release);
  try {
    return await work();
  } finally {
    process.removeListener('exit', release);
    release();
  }
}

/**
 * Saves a new login's session under the profile's lock: a refresh of the previous session under way in
 * another cogauth would otherwise write its refreshed (older) session over this one.
 */
export function saveSessionLocked(env: Env, session: StoredSession): Promise<string> {
  return withSessionLock(env, session.profile, async () => saveSession(env, session));
}

async function acquire(path: string, mine: string): Promise<void> {
  const deadline = Date.now() + 2 * STALE_LOCK_MS;
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new CliError(`cannot lock the session (${path}): ${(error as NodeJS.ErrnoException).code}`);
      }
    }
    if (removeIfStale(path)) continue;
    if (Date.now() > deadline) {
      throw new CliError(`another cogauth keeps the session locked (${path}); try again`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Removes the lock when its holder is gone; true when it was removed (or vanished meanwhile). */
function removeIfStale(path: string): boolean {
  let ino: number;
  let age: number;
  let text: string;
  try {
    const stat = statSync(path);
    ino = stat.ino;
    age = Date.now() - stat.mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch {
    return true;
  }
  if (age < STALE_LOCK_MS && holderAlive(text)) return false;
  try {
    // Only the lock that was judged: another process may have replaced it with a fresh one meanwhile.
    if (statSync(path).ino === ino) rmSync(path, { force: true });
  } catch {
    // gone already
  }
  return true;
}

/** Whether the process named in a lock may still run; pids mean something only on the host that wrote it. */
function holderAlive(text: string): boolean {
  const [pidText, host] = text.split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function releaseIfMine(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

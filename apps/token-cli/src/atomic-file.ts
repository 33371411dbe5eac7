import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const TMP_SUFFIX = '.tmp';

/**
 * Replaces `path` with `text` so that a crash at any point leaves either the old file or the new one,
 * never a partial one: a 0600 temp file beside it (`wx`: never an existing file or link), flushed to disk,
 * renamed over `path`, then the directory flushed so the rename itself survives a power loss. Refresh
 * tokens that rotate live only in these files, so a torn write would end the session.
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}${TMP_SUFFIX}`;
  const fd = openSync(tmp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) rmSync(tmp, { force: true });
  }
  syncDirectory(dirname(path));
}

/** Flushes a directory's entries (the rename); Windows cannot open a directory, and needs no such step. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes what a writer killed before its rename left beside `path` (`<name>.<hex>.tmp`, 0600): such a
 * file may hold tokens. Only files older than `olderThanMs` go, so a writer still at work keeps its own.
 */
export function removeLeftovers(path: string, olderThanMs: number, nowMs = Date.now()): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TMP_SUFFIX)) continue;
    const leftover = join(dir, name);
    try {
      const stat = lstatSync(leftover);
      if (stat.isFile() && nowMs - stat.mtimeMs >= olderThanMs) rmSync(leftover, { force: true });
    } catch {
      // gone already
    }
  }
}

import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { CliError } from './errors.js';

// A file only this user may read: written 0600 into a 0700 directory (atomically, so it is never
// half-written or readable by others), and read only when it still is. Sessions keep their own copy of
// these checks (session-store.ts); the device file uses this one.

export type FoundPrivateFile =
  | { state: 'none' }
  | { state: 'refused'; why: string }
  | { state: 'ok'; text: string };

/**
 * The file's text, unless group or others may access it, another user owns it, or it is not a regular
 * file (a symbolic link could point anywhere): then `refused` with why, and it was not read.
 */
export function readPrivateFile(path: string): FoundPrivateFile {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'none' };
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (!stat.isFile()) return { state: 'refused', why: 'it is not a regular file' };
  if (process.platform !== 'win32') {
    if ((stat.mode & 0o077) !== 0) {
      return {
        state: 'refused',
        why: `group or others may access it (mode ${(stat.mode & 0o777).toString(8)})`,
      };
    }
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
      return { state: 'refused', why: `it belongs to another user (uid ${stat.uid})` };
    }
  }
  return { state: 'ok', text: readFileSync(path, 'utf8') };
}

/** Writes `text` atomically (atomic-file.ts: a 0600 temp file, flushed, renamed over `path`) in a 0700 directory. */
export function writePrivateFile(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dirname(dir), 0o700);
  chmodSync(dir, 0o700);
  writeFileAtomic(path, text);
}

export function deletePrivateFile(path: string): boolean {
  try {
    lstatSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}

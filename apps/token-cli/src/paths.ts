import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

type Env = Record<string, string | undefined>;

/** An XDG base directory variable counts only when absolute (the spec says to ignore relative ones). */
function xdg(env: Env, name: string): string | undefined {
  const value = env[name];
  return value && isAbsolute(value) ? value : undefined;
}

function home(env: Env): string {
  return env.HOME || homedir();
}

/**
 * The user's own cogauth config directory: `$XDG_CONFIG_HOME/cogauth` (default `~/.config/cogauth`) on
 * Linux and wherever XDG_CONFIG_HOME is set, `~/Library/Application Support/cogauth` on macOS,
 * `%APPDATA%\cogauth` on Windows. A config file here is trusted like one named with --config.
 */
export function userConfigDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const fromXdg = xdg(env, 'XDG_CONFIG_HOME');
  if (fromXdg) return join(fromXdg, 'cogauth');
  if (platform === 'darwin') return join(home(env), 'Library', 'Application Support', 'cogauth');
  if (platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'cogauth');
  return join(home(env), '.config', 'cogauth');
}

/**
 * Where sessions live: `$XDG_STATE_HOME/cogauth` (default `~/.local/state/cogauth`),
 * `~/Library/Application Support/cogauth/state` on macOS, `%LOCALAPPDATA%\cogauth\state` on Windows.
 */
export function userStateDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const fromXdg = xdg(env, 'XDG_STATE_HOME');
  if (fromXdg) return join(fromXdg, 'cogauth');
  if (platform === 'darwin') return join(home(env), 'Library', 'Application Support', 'cogauth', 'state');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'cogauth', 'state');
  return join(home(env), '.local', 'state', 'cogauth');
}

/**
 * Where cached machine-to-machine tokens live: `$XDG_CACHE_HOME/cogauth` (default `~/.cache/cogauth`),
 * `~/Library/Caches/cogauth` on macOS, `%LOCALAPPDATA%\cogauth\cache` on Windows.
 */
export function userCacheDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  const fromXdg = xdg(env, 'XDG_CACHE_HOME');
  if (fromXdg) return join(fromXdg, 'cogauth');
  if (platform === 'darwin') return join(home(env), 'Library', 'Caches', 'cogauth');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'cogauth', 'cache');
  return join(home(env), '.cache', 'cogauth');
}

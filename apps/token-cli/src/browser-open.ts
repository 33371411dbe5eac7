import { spawn } from 'node:child_process';
import { win32 } from 'node:path';
import { withoutSecrets } from './secret-env.js';

type Env = Record<string, string | undefined>;

/** A program and its arguments, run directly: no shell ever parses the URL. */
export interface OpenCommand {
  command: string;
  args: string[];
}

// What a URL built from a checked pool domain and URLSearchParams can hold (RFC 3986 unreserved, reserved
// and "%"): no blank, quote, backslash, caret, pipe, angle bracket or control character. One anchored
// character class: linear on any input.
const URL_CHARACTERS = /^https?:\/\/[\w\-.~:/?#[\]@!$&'()*+,;=%]+$/;

/**
 * How `platform` opens `url` in the user's browser without a shell, or undefined where there is no
 * browser to open (Linux without a display) or the URL holds anything but URL characters. Windows used to
 * go through `cmd /c start`, which reads `&`, `|`, `^`, `%` and parentheses in the URL as shell syntax;
 * `rundll32 url.dll,FileProtocolHandler` takes the URL as it is. Programs are named by absolute path where
 * the platform fixes it: Windows looks for a bare `rundll32.exe` in the working directory first.
 */
export function browserCommand(platform: NodeJS.Platform, url: string, env: Env): OpenCommand | undefined {
  if (!URL_CHARACTERS.test(url)) return undefined;
  if (platform === 'darwin') return { command: '/usr/bin/open', args: [url] };
  if (platform === 'win32') {
    const systemRoot = env.SystemRoot || env.SYSTEMROOT || 'C:\\Windows';
    return {
      command: win32.join(systemRoot, 'System32', 'rundll32.exe'),
      args: ['url.dll,FileProtocolHandler', url],
    };
  }
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [url] };
  return undefined;
}

/** Options for every opener: no shell, not tied to this process or its terminal. */
export const OPEN_OPTIONS = { shell: false, stdio: 'ignore', detached: true, windowsHide: true } as const;

/** Opens the system browser where there is one; false when the URL has to be opened by hand. */
export function openBrowser(
  url: string,
  env: Env,
  platform: NodeJS.Platform = process.platform,
  run: typeof spawn = spawn,
): boolean {
  const opener = browserCommand(platform, url, env);
  if (!opener) return false;
  try {
    // The opener (and the browser it starts) never sees the secrets this run was given in variables.
    const child = run(opener.command, opener.args, { ...OPEN_OPTIONS, env: withoutSecrets(env) });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

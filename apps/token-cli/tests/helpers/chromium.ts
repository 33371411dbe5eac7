import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium: the only browser that installs here (puppeteer's and Playwright's downloads cannot). */
export const CHROMIUM = '/usr/bin/chromium';
const APT_GET = '/usr/bin/apt-get';
const INSTALL_DEADLINE_MS = 9 * 60_000;

export type ChromiumCheck = { ok: true; installedInMs?: number } | { ok: false; why: string };

/**
 * Chromium for the real-browser test: already there, or installed now with apt-get (about two minutes on a
 * fresh machine, once: the package stays). Where it cannot be installed (not Debian, not root, apt-get
 * failed) the answer says why, for the test to skip with that notice.
 */
export async function ensureChromium(): Promise<ChromiumCheck> {
  if (existsSync(CHROMIUM)) return { ok: true };
  if (process.platform !== 'linux' || !existsSync(APT_GET)) {
    return { ok: false, why: `${CHROMIUM} is missing and there is no apt-get to install it` };
  }
  if (process.getuid?.() !== 0) {
    return {
      ok: false,
      why: `${CHROMIUM} is missing and apt-get needs root (run: apt-get install chromium)`,
    };
  }
  const started = Date.now();
  // Another job may hold the dpkg lock (another worktree's test): wait for it rather than fail.
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  const update = await run([...lock, 'update']);
  if (update.code !== 0) return { ok: false, why: `apt-get update failed (${update.code}): ${update.tail}` };
  const install = await run([...lock, 'install', '-y', '--no-install-recommends', 'chromium']);
  if (install.code !== 0 || !existsSync(CHROMIUM)) {
    return { ok: false, why: `apt-get install chromium failed (${install.code}): ${install.tail}` };
  }
  return { ok: true, installedInMs: Date.now() - started };
}

/** apt-get in its own process group, killed with it (by pid) when it outlives the deadline. */
function run(args: string[]): Promise<{ code: number | string; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(APT_GET, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, INSTALL_DEADLINE_MS);
    const done = (code: number | string) => {
      clearTimeout(timer);
      resolve({ code, tail: output.trim().split('\n').slice(-3).join(' | ') });
    };
    child.on('error', (error) => done((error as NodeJS.ErrnoException).code ?? error.message));
    child.on('close', (code, signal) => done(code ?? signal ?? 'unknown'));
  });
}

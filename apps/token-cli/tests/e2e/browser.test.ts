import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, type ChromiumCheck, ensureChromium } from '../helpers/chromium.js';
import { BROWSER_CLIENT, type OidcServer, startOidc } from '../helpers/oidc.js';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';

// Issue 23.6: `cogauth login --browser` with a real browser. The CLI opens the sign-in URL the way it does
// on a Linux desktop, by running `xdg-open <url>`; here `xdg-open` is a stand-in first on PATH that starts
// headless Chromium on that URL with a DevTools port. Puppeteer attaches to that browser, fills
// oidc-provider's login and consent forms (Cognito's /oauth2 paths), and the browser follows the redirect to
// the CLI's listener on 127.0.0.1. Chromium is installed by this file's setup when missing.

const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];

let chromium: ChromiumCheck;
let oidc: OidcServer;
let dir: string;

beforeAll(async () => {
  chromium = await ensureChromium();
  if (!chromium.ok) process.stderr.write(`\nbrowser test SKIPPED: ${chromium.why}\n\n`);
  else if (chromium.installedInMs !== undefined) {
    process.stderr.write(
      `browser test: installed Debian chromium in ${Math.round(chromium.installedInMs / 1000)} s\n`,
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'cogauth-browser-'));
  oidc = await startOidc();
}, 600_000);

afterAll(async () => {
  await oidc?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The `xdg-open` a desktop would run: starts the browser on the URL (and notes its pid to stop it). */
function xdgOpenStandIn(browserDir: string): string {
  const bin = join(browserDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const quoted = [CHROMIUM, ...FLAGS, `--user-data-dir=${join(browserDir, 'profile')}`].map((a) => `'${a}'`);
  writeFileSync(
    join(bin, 'xdg-open'),
    `#!/bin/sh\necho $$ > '${join(browserDir, 'pid')}'\nexec ${quoted.join(' ')} "$1"\n`,
  );
  chmodSync(join(bin, 'xdg-open'), 0o755);
  return bin;
}

/** Chromium writes its DevTools port and path to DevToolsActivePort in the profile once it listens. */
async function attach(browserDir: string, deadlineMs = 60_000): Promise<Browser> {
  const file = join(browserDir, 'profile', 'DevToolsActivePort');
  const until = Date.now() + deadlineMs;
  while (!existsSync(file) || readFileSync(file, 'utf8').split('\n').length < 2) {
    if (Date.now() > until) throw new Error('Chromium did not open a DevTools port (was it started?)');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const [port, path] = readFileSync(file, 'utf8').split('\n');
  return puppeteer.connect({ browserWSEndpoint: `ws://127.0.0.1:${port}${path}` });
}

/** Stops the browser the stand-in started: its own process group (the CLI spawns openers detached). */
function killBrowser(browserDir: string): void {
  const pidFile = join(browserDir, 'pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

describe.skipIf(!HAS_SCRIPT)('cogauth login --browser in a real browser (headless Chromium)', () => {
  it('opens the sign-in page, gets the redirect on 127.0.0.1, saves the session and shows who signed in', async (ctx) => {
    if (!chromium.ok) ctx.skip(chromium.why);
    const browserDir = join(dir, 'run');
    const state = join(dir, 'state');
    const bin = xdgOpenStandIn(browserDir);
    const env = { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':0', XDG_STATE_HOME: state, NO_COLOR: '1' };
    const args = ['login', '--browser', '--domain', oidc.domain, '--client-id', BROWSER_CLIENT];
    const scopes = ['--scope', 'openid', '--scope', 'offline_access'];
    const stop = new AbortController();
    const login = runInPty([...args, ...scopes], [], 90_000, env, stop.signal);
    let browser: Browser | undefined;
    try {
      browser = await attach(browserDir);
      const target = await browser.waitForTarget((t) => t.url().startsWith(`${oidc.domain}/`), {
        timeout: 30_000,
      });
      const page = await target.page();
      if (!page) throw new Error('no page for the sign-in URL');
      await page.waitForSelector('input[name=login]');
      await page.type('input[name=login]', 'alice');
      await page.type('input[name=password]', 'any password');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      await page.waitForSelector('button[type=submit]'); // the consent form
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      // Expressions run in the page (this package has no DOM types).
      await page.waitForFunction("document.body?.textContent.includes('signed in')", { timeout: 30_000 });
      expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
      expect(await page.evaluate('document.body.textContent')).toContain(
        'cogauth: signed in. You can close this tab and return to the terminal.',
      );

      const { code, screen } = await login;
      expect(code, screen).toBe(0);
      expect(screen).toContain('Opened your browser to sign in.');
      expect(screen).toMatch(/\r?\nuser: {5}alice\r?\n/); // the ID token's sub (oidc-provider sends no email claim)
      expect(screen).toMatch(/session: {2}saved to \S+default\.json; "cogauth token" prints a fresh token/);
      const file = join(state, 'cogauth', 'sessions', 'default.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved).toMatchObject({ kind: 'oauth', domain: oidc.domain, clientId: BROWSER_CLIENT });
      expect(typeof saved.refreshToken).toBe('string');
      expect(screen).not.toContain(saved.accessToken);
    } finally {
      await browser?.close().catch(() => {});
      killBrowser(browserDir);
      stop.abort(); // the CLI is done by now, unless the test failed while it waited
      await login.catch(() => {});
    }
  }, 120_000);
});

import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserCommand, OPEN_OPTIONS, openBrowser } from '../../src/browser-open.js';
import { BIN, cleanEnv } from '../helpers/run-cli.js';

// Issue 20.6: `login --browser` opened the URL on Windows with `cmd /c start`, escaping only `&`, so a
// domain path holding `|`, `^`, `%` or parentheses was shell syntax. Every platform now runs its opener
// directly (no shell), and the domain may not carry a path, query or fragment (domain.test.ts).

const URL_ = 'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/authorize?client_id=c&state=a(b)%7C';
const SHELLS = /(^|[\\/])(cmd|command|powershell|pwsh|sh|bash|zsh|dash)(\.exe)?$/i;

describe('the opener of each platform: argv, no shell', () => {
  it('Windows: rundll32 url.dll,FileProtocolHandler from System32, the URL one argument as it is', () => {
    expect(browserCommand('win32', URL_, { SystemRoot: 'D:\\Win' })).toEqual({
      command: 'D:\\Win\\System32\\rundll32.exe',
      args: ['url.dll,FileProtocolHandler', URL_],
    });
    // An absolute path also without SystemRoot: a bare name is looked up in the working directory first.
    expect(browserCommand('win32', URL_, {})?.command).toBe('C:\\Windows\\System32\\rundll32.exe');
  });

  it('macOS: /usr/bin/open <url>; Linux and the BSDs: xdg-open <url> with a display, nothing without', () => {
    expect(browserCommand('darwin', URL_, {})).toEqual({ command: '/usr/bin/open', args: [URL_] });
    for (const platform of ['linux', 'freebsd', 'openbsd'] as const) {
      for (const env of [{ DISPLAY: ':0' }, { WAYLAND_DISPLAY: 'wayland-0' }]) {
        expect(browserCommand(platform, URL_, env)).toEqual({ command: 'xdg-open', args: [URL_] });
      }
      expect(browserCommand(platform, URL_, {})).toBeUndefined();
    }
  });

  it('spawns exactly that argv with shell: false on every platform, and never a shell program', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const calls: Array<{ command: string; args: readonly string[]; options: unknown }> = [];
      const fake = ((command: string, args: readonly string[], options: unknown) => {
        calls.push({ command, args, options });
        return { on: () => undefined, unref: () => undefined };
      }) as unknown as typeof spawn;
      expect(openBrowser(URL_, { DISPLAY: ':0', ...SECRETS }, platform, fake)).toBe(true);
      const expected = browserCommand(platform, URL_, { DISPLAY: ':0' });
      expect(calls).toEqual([
        {
          command: expected?.command,
          args: expected?.args,
          options: { ...OPEN_OPTIONS, env: { DISPLAY: ':0' } },
        },
      ]);
      expect(OPEN_OPTIONS.shell).toBe(false);
      expect(calls[0]?.command).not.toMatch(SHELLS);
      expect(calls[0]?.args.at(-1)).toBe(URL_);
    }
  });

  it('a URL with a blank, quote, caret, pipe, backslash or control character is never handed to an opener', () => {
    for (const bad of ['"', ' ', '^', '|', '\\', '<', '`', '\n', '\u0000', '{']) {
      for (const platform of ['win32', 'darwin', 'linux'] as const) {
        expect(browserCommand(platform, `${URL_}${bad}x`, { DISPLAY: ':0' }), JSON.stringify(bad)).toBe(
          undefined,
        );
      }
    }
    expect(browserCommand('linux', `file:///etc/passwd`, { DISPLAY: ':0' })).toBeUndefined();
  });
});

/** Secrets a login may be given in variables: the opener (and the browser it starts) gets none of them. */
const SECRETS = {
  COGAUTH_PASSWORD: 'pw-Secret-1',
  COGAUTH_NEW_PASSWORD: 'pw-Secret-2',
  COGAUTH_MFA_CODE: '918273',
  COGAUTH_OTP_CODE: '64738291',
  COGAUTH_CUSTOM_ANSWER: 'custom-Secret-3',
  COGAUTH_CLIENT_SECRET: 'client-Secret-4',
  COGAUTH_REFRESH_TOKEN: 'refresh-Secret-5',
};

describe('the built CLI on this machine (Linux): xdg-open gets the authorize URL as its one argument', () => {
  let bin: string;
  let record: string;

  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'cogauth-fake-opener-'));
    record = join(bin, 'argv.json');
    // A stand-in xdg-open first on PATH: writes its arguments as JSON, one string each.
    writeFileSync(
      join(bin, 'xdg-open'),
      // The environment first, the argv file last and whole (renamed into place): the test waits for it.
      `#!${process.execPath}\nconst fs = require('node:fs');\n` +
        `fs.writeFileSync(${JSON.stringify(`${record}.env`)}, JSON.stringify(process.env));\n` +
        `fs.writeFileSync(${JSON.stringify(`${record}.tmp`)}, JSON.stringify(process.argv.slice(2)));\n` +
        `fs.renameSync(${JSON.stringify(`${record}.tmp`)}, ${JSON.stringify(record)});\n`,
    );
    chmodSync(join(bin, 'xdg-open'), 0o755);
  });
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  function start(domain: string): {
    child: ChildProcess;
    stderr: () => string;
    closed: Promise<number | null>;
  } {
    const child = spawn(
      process.execPath,
      [BIN, 'login', '--browser', '--domain', domain, '--client-id', 'c', '--scope', 'openid'],
      {
        env: cleanEnv({ DISPLAY: ':0', PATH: `${bin}:${process.env.PATH ?? ''}`, ...SECRETS }),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    return { child, stderr: () => stderr, closed };
  }

  it('opens http://127.0.0.1:<port>/oauth2/authorize?… with no shell in between', async () => {
    rmSync(record, { force: true });
    const run = start('http://127.0.0.1:9');
    try {
      for (let i = 0; i < 200 && !existsSync(record); i += 1) await new Promise((r) => setTimeout(r, 50));
      const argv = JSON.parse(readFileSync(record, 'utf8')) as string[];
      expect(argv).toHaveLength(1);
      const opened = new URL(argv[0] as string);
      expect(opened.origin + opened.pathname).toBe('http://127.0.0.1:9/oauth2/authorize');
      expect(opened.searchParams.get('client_id')).toBe('c');
      expect(run.stderr()).toContain(
        `Opened your browser to sign in. If it did not open, visit:\n  ${argv[0]}\n`,
      );
      // Nothing secret reaches the opener, on its argv or in its environment.
      const seen = `${readFileSync(record, 'utf8')}${readFileSync(`${record}.env`, 'utf8')}`;
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(seen, name).not.toContain(secret);
        expect(seen, name).not.toContain(name);
      }
    } finally {
      run.child.kill();
      await run.closed;
    }
  });

  it('a domain with a path is refused before anything is opened or listens', async () => {
    rmSync(record, { force: true });
    const run = start('http://127.0.0.1:9/x|touch%20pwned&(calc)^');
    const late = setTimeout(() => run.child.kill(), 10_000);
    const code = await run.closed.finally(() => clearTimeout(late));
    expect(code).toBe(2);
    expect(run.stderr()).toBe(
      'cogauth: domain must be the pool domain alone, e.g. my-app.auth.eu-west-1.amazoncognito.com or ' +
        'https://auth.example.com, but it has a path\n',
    );
    expect(existsSync(record)).toBe(false);
  });
});

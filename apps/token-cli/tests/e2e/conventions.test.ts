import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';
import { cleanEnv, runCli } from '../helpers/run-cli.js';

// Issue 16.3: the conventions people expect from a CLI. Terminal behaviour runs on a real pseudo-terminal
// (util-linux `script`); those tests are skipped, with the reason logged, where it is missing.

const ESC = '\u001b[';
const VERSION = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
const HAS_BASH = spawnSync('bash', ['--version'], { timeout: 10_000 }).status === 0;
if (!HAS_SCRIPT) console.warn('conventions.test: util-linux "script" not found, terminal tests skipped');

let dir: string;
let silent: Server;
let silentUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogauth-conventions-'));
  // Accepts requests and never answers: a hung Cognito to press Ctrl-C on.
  silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const fakeJwt = (payload: Record<string, unknown>) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

/** A saved session (no server needed for whoami while it is valid). */
function withSession(name: string): Record<string, string> {
  const state = join(dir, name, 'state');
  const sessions = join(state, 'cogauth', 'sessions');
  mkdirSync(sessions, { recursive: true, mode: 0o700 });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const session = {
    version: 1,
    profile: 'default',
    kind: 'cognito',
    clientId: 'c',
    accessToken: fakeJwt({ username: 'alice', 'cognito:groups': ['writers'], scope: 'a/b', exp }),
    expiresAt: exp * 1000,
  };
  writeFileSync(join(sessions, 'default.json'), JSON.stringify(session), { mode: 0o600 });
  return { XDG_STATE_HOME: state };
}

describe('conventions', () => {
  it('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const res = await runCli([flag]);
      expect(res).toMatchObject({ code: 0, stdout: `cogauth ${VERSION}\n`, stderr: '' });
    }
  });

  it('"cogauth help <command>" is "cogauth <command> --help"', async () => {
    const [a, b] = await Promise.all([runCli(['help', 'token']), runCli(['token', '--help'])]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^Usage: cogauth token/);
  });

  it.skipIf(!HAS_BASH)('bash completion completes commands and their options', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const complete = (words: string) =>
      spawnSync(
        'bash',
        [
          // Never the user's ~/.bashrc: bash reads it when its stdin is a socket, as spawnSync's pipe is.
          '--norc',
          '--noprofile',
          '-c',
          `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _cogauth; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: 'utf8', timeout: 10_000, env: cleanEnv() },
      ).stdout.trim();
    expect(complete(`cogauth ''`).split(' ')).toEqual(
      expect.arrayContaining(['login', 'token', 'whoami', '--version']),
    );
    expect(complete("cogauth 'lo'")).toBe('login logout');
    expect(complete("cogauth token '--i'")).toBe('--id');
  });

  it('zsh and fish scripts name every command; an unknown shell is a usage error', async () => {
    for (const shell of ['zsh', 'fish']) {
      const res = await runCli(['completion', shell]);
      expect(res.code).toBe(0);
      for (const c of ['login', 'token', 'whoami', 'logout', 'check']) expect(res.stdout).toContain(c);
    }
    expect((await runCli(['completion', 'tcsh'])).code).toBe(2);
  });
});

describe.skipIf(!HAS_SCRIPT)('on a terminal', () => {
  it('colour on a terminal, none with NO_COLOR, none when piped', async () => {
    const env = withSession('color');
    const tty = await runInPty(['whoami'], [], 20_000, env);
    expect(tty.code).toBe(0);
    expect(tty.screen).toContain(`${ESC}1malice`);
    const noColor = await runInPty(['whoami'], [], 20_000, { ...env, NO_COLOR: '1' });
    expect(noColor.code).toBe(0);
    expect(noColor.screen).toContain('alice');
    expect(noColor.screen).not.toContain(ESC);
    const piped = await runCli(['whoami'], { env });
    expect(piped.stdout).not.toContain(ESC);
  });

  it('Ctrl-C exits 130: at the username prompt, at the no-echo password prompt, and while waiting on Cognito', async () => {
    const pool = ['--endpoint', silentUrl, '--client-id', 'c', '--auth-flow', 'USER_PASSWORD_AUTH'];
    const atUser = await runInPty(['login', ...pool], [['Username: ', '\u0003']]);
    expect(atUser.code).toBe(130);
    const atPassword = await runInPty(['login', ...pool, '-u', 'bob'], [['Password for bob: ', '\u0003']]);
    expect(atPassword.code).toBe(130);
    const waiting = await runInPty(
      ['login', ...pool, '-u', 'bob'],
      [
        ['Password for bob: ', 'pw'],
        ['Logging in bob', '\u0003'],
      ],
    );
    expect(waiting.code).toBe(130);
  });
});

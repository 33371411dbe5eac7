import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/main.js';
import { runCli } from '../helpers/run-cli.js';

describe('command-line experience', () => {
  it('every command has --help with usage and an example, on stdout, exit 0', async () => {
    const results = await Promise.all(COMMANDS.map((c) => runCli([c.name, '--help'])));
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'login',
      'token',
      'whoami',
      'logout',
      'refresh',
      'm2m',
      'verify',
      'decode',
      'check',
      'rules-to-cedar',
      'config',
      'completion',
    ]);
    results.forEach((res, i) => {
      const name = COMMANDS[i]?.name;
      expect(res.code, name).toBe(0);
      expect(res.stdout, name).toMatch(new RegExp(`^Usage: cogauth ${name}`));
      expect(res.stdout, name).toMatch(/\nExamples?:\n {2}\S/);
      expect(res.stdout, name).toContain('cogauth ');
    });
  });

  it('login --help warns that --password leaks into shell history', async () => {
    const res = await runCli(['login', '-h']);
    expect(res.stdout).toMatch(/--password <pw>.*WARNING.*shell history/);
  });

  it('cogauth --help lists the commands; no command at all is a usage error', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toContain(`  ${c.name}`);
    const none = await runCli([]);
    expect(none.code).toBe(2);
  });

  it('unknown commands and flags: one line, exit 2', async () => {
    const cmd = await runCli(['lgoin']);
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toBe(
      'cogauth: unknown command "lgoin" (commands: login, token, whoami, logout, refresh, m2m, verify, decode, check, rules-to-cedar, config, completion)\n',
    );
    const flag = await runCli(['verify', '--pool', 'x']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe(`cogauth: Unknown option '--pool' (see "cogauth verify --help")\n`);
  });

  it('check validates --route before reading anything', async () => {
    const res = await runCli(['check', '--rules', 'x.json', '--route', 'FETCH /messages', 'a.b.c']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^cogauth: --route must look like "POST \/messages" with one of GET, POST/);
    const tmpl = await runCli(['check', '--rules', 'x.json', '--route', 'DELETE /messages/{id}', 'a.b.c']);
    expect(tmpl.code).toBe(2);
    expect(tmpl.stderr).toMatch(/^cogauth: --route needs a concrete request path such as \/messages\/42/);
    const missing = await runCli(['check', '--rules', 'x.json', '--route', 'GET /messages', 'a.b.c']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('cogauth: --rules: cannot read x.json: ENOENT\n');
  });

  it('verify with no token on a non-terminal empty stdin says what is missing', async () => {
    const res = await runCli(['verify', '--user-pool-id', 'us-east-1_Abc']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('cogauth: no token: the argument or stdin was empty\n');
  });
});

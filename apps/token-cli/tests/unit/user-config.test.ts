import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { userConfigFile, writeProfile } from '../../src/user-config.js';
import { runCli } from '../helpers/run-cli.js';

// `cogauth config set-profile` writes a profile into the user's own config file; `pnpm dev` writes its
// `local` profile with it.

const root = mkdtempSync(join(tmpdir(), 'cogauth-user-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LOCAL = {
  endpoint: 'http://127.0.0.1:9229',
  userPoolId: 'local_abc',
  clientId: 'client1',
  authFlow: 'USER_PASSWORD_AUTH',
};
const LOCAL_FLAGS = [
  '--endpoint',
  LOCAL.endpoint,
  '--user-pool-id',
  LOCAL.userPoolId,
  '--client-id',
  LOCAL.clientId,
  '--auth-flow',
  'password',
];

const EXISTING =
  '# mine\ndefaultProfile: prod\nprofiles:\n  prod:\n    clientId: p # prod client\n  local:\n    clientId: old\n';

function existing(name: string): { xdg: string; path: string } {
  const xdg = join(root, name);
  mkdirSync(join(xdg, 'cogauth'), { recursive: true });
  const path = join(xdg, 'cogauth', 'config.yaml');
  writeFileSync(path, EXISTING);
  return { xdg, path };
}

describe('writeProfile', () => {
  it('creates the file (0600) with the profile as the default', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'new') };
    const path = userConfigFile(env);
    expect(path).toBe(join(root, 'new', 'cogauth', 'config.yaml'));
    expect(writeProfile(path, 'local', LOCAL)).toEqual({ madeDefault: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const resolved = resolveConfig({ flags: {}, env, cwd: '/' });
    expect(resolved.profile).toBe('local');
    expect(resolved.settings).toMatchObject(LOCAL);
  });

  it('keeps the other profiles, comments and the default of an existing file; replaces only its own', () => {
    const { xdg, path } = existing('existing');
    expect(writeProfile(userConfigFile({ XDG_CONFIG_HOME: xdg }), 'local', LOCAL)).toEqual({
      madeDefault: false,
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# mine');
    expect(text).toContain('clientId: p # prod client');
    expect(text).not.toContain('old');
    const local = resolveConfig({ flags: { profile: 'local' }, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' });
    expect(local.settings).toMatchObject(LOCAL);
    expect(resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' }).profile).toBe('prod');
  });

  it('a file that does not load is left as it is, and the error names the field', () => {
    const { xdg, path } = existing('broken');
    writeFileSync(path, `${EXISTING}    clientid: typo\n`);
    expect(() => writeProfile(userConfigFile({ XDG_CONFIG_HOME: xdg }), 'local', LOCAL)).toThrow(
      /profiles\.local\.clientid/,
    );
    expect(readFileSync(path, 'utf8')).toBe(`${EXISTING}    clientid: typo\n`);
  });
});

describe('cogauth config set-profile', () => {
  it('writes the profile into your own config file, where login --profile finds it', async () => {
    const xdg = join(root, 'cli-new');
    const res = await runCli(['config', 'set-profile', 'local', ...LOCAL_FLAGS, '--json'], {
      env: { XDG_CONFIG_HOME: xdg },
    });
    const path = join(xdg, 'cogauth', 'config.yaml');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ profile: 'local', path, madeDefault: true });
    expect(res.stderr).toBe(`cogauth: profile local written to ${path} (now your default profile)\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const resolved = resolveConfig({ flags: { profile: 'local' }, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' });
    expect(resolved.settings).toEqual(LOCAL);
  });

  it('keeps what the file holds, writes the file --config names, stores file settings as absolute paths', async () => {
    const { xdg, path } = existing('cli-existing');
    const kept = await runCli(['config', 'set-profile', 'local', ...LOCAL_FLAGS], {
      env: { XDG_CONFIG_HOME: xdg },
    });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toBe('');
    expect(readFileSync(path, 'utf8')).toContain('clientId: p # prod client');
    const named = join(root, 'named.json');
    const cwd = join(root, 'project');
    mkdirSync(cwd);
    const res = await runCli(
      [
        'config',
        'set-profile',
        'ci',
        '--config',
        named,
        '--rules',
        'rules.json',
        '--scope',
        'a/b',
        '--scope',
        'c/d',
      ],
      {
        env: { XDG_CONFIG_HOME: xdg },
        cwd,
      },
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(readFileSync(named, 'utf8'))).toEqual({
      profiles: { ci: { rules: join(cwd, 'rules.json'), scopes: 'a/b c/d' } },
      defaultProfile: 'ci',
    });
  });

  it('refuses what the CLI would refuse where the value is used, and writes nothing', async () => {
    const xdg = join(root, 'cli-refused');
    const path = join(xdg, 'cogauth', 'config.yaml');
    const cases: Array<[string[], RegExp]> = [
      [['--endpoint', 'http://cognito.example.com'], /plain http:\/\/ to a host that is not loopback/],
      [['--domain', 'auth.example.com/path'], /domain must be the pool domain alone/],
      [['--user-pool-id', 'not a pool'], /--user-pool-id must be a user pool id/],
      [['--client-id', 'a,b c'], /--client-id must be app client ids/],
      [['--region', 'moon-1'], /--region must be an AWS region/],
      [
        ['--auth-flow', 'ADMIN_NO_SRP_AUTH'],
        /--auth-flow must be one of USER_SRP_AUTH, USER_PASSWORD_AUTH, USER_AUTH, CUSTOM_AUTH/,
      ],
      [['--token-use', 'refresh'], /--token-use must be access, id or any/],
      [[], /needs at least one setting/],
    ];
    for (const [flags, message] of cases) {
      const res = await runCli(['config', 'set-profile', 'p', ...flags], { env: { XDG_CONFIG_HOME: xdg } });
      expect(res.code, flags.join(' ')).toBe(2);
      expect(res.stderr, flags.join(' ')).toMatch(message);
      expect(existsSync(path), flags.join(' ')).toBe(false);
    }
    for (const args of [
      ['config', 'set-profile', '../x', '--client-id', 'c'],
      ['config', 'set-profile', 'p', '--profile', 'q', '--client-id', 'c'],
      ['config', 'get', 'p'],
      ['config', 'set-profile', 'p', '--client-secret', 's'],
    ]) {
      const res = await runCli(args, { env: { XDG_CONFIG_HOME: xdg } });
      expect(res.code, args.join(' ')).toBe(2);
      expect(existsSync(path), args.join(' ')).toBe(false);
    }
  });
});

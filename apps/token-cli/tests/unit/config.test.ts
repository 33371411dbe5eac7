import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionOf, resolveConfig as resolve } from '../../src/config.js';

let root: string;
let home: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cogauth-config-'));
  home = join(root, '.home-config');
  mkdirSync(home);
});

/** A file named with COGAUTH_CONFIG (trusted): `<cwd>/cogauth.config.yaml`. */
function resolveNamed(input: Parameters<typeof resolve>[0]): ReturnType<typeof resolve> {
  return resolveConfig({
    ...input,
    env: { COGAUTH_CONFIG: join(input.cwd, 'cogauth.config.yaml'), ...input.env },
  });
}

/** resolveConfig with the user's config directory pointed at an empty temp dir unless the test sets one. */
function resolveConfig(input: Parameters<typeof resolve>[0]): ReturnType<typeof resolve> {
  return resolve({ ...input, env: { XDG_CONFIG_HOME: home, ...input.env } });
}
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const YAML = `
defaultProfile: dev
region: eu-west-1
clientId: top-client
profiles:
  dev:
    userPoolId: eu-west-1_Dev
    clientId: dev-client
    endpoint: http://127.0.0.1:9229
    rules: rules/dev.json
    scopes: [orders/read, orders/write]
  prod:
    userPoolId: eu-west-1_Prod
`;

describe('config precedence (a named file): flags > COGAUTH_* env > profile > file top level', () => {
  it('takes each setting from the strongest source that has it', () => {
    const dir = project('precedence', { 'cogauth.config.yaml': YAML });
    const resolved = resolveNamed({
      flags: { 'client-id': 'flag-client' },
      env: { COGAUTH_CLIENT_IDS: 'env-client', COGAUTH_USER_POOL_ID: 'eu-west-1_Env' },
      cwd: dir,
    });
    expect(resolved.settings.clientId).toBe('flag-client');
    expect(resolved.sources.clientId).toBe('flag');
    expect(resolved.settings.userPoolId).toBe('eu-west-1_Env');
    expect(resolved.sources.userPoolId).toBe('env');
    expect(resolved.settings.endpoint).toBe('http://127.0.0.1:9229');
    expect(resolved.sources.endpoint).toBe('file');
    expect(resolved.settings.region).toBe('eu-west-1');
    expect(resolved.profile).toBe('dev');
  });

  it('a profile overrides the top level; env beats the profile', () => {
    const dir = project('profile-vs-top', { 'cogauth.config.yaml': YAML });
    expect(resolveNamed({ flags: {}, env: {}, cwd: dir }).settings.clientId).toBe('dev-client');
    const prod = resolveNamed({ flags: { profile: 'prod' }, env: {}, cwd: dir });
    expect(prod.settings.clientId).toBe('top-client');
    expect(prod.settings.userPoolId).toBe('eu-west-1_Prod');
    expect(prod.settings.endpoint).toBeUndefined();
    expect(
      resolveNamed({ flags: {}, env: { COGAUTH_ENDPOINT: 'http://127.0.0.1:1' }, cwd: dir }).settings
        .endpoint,
    ).toBe('http://127.0.0.1:1');
  });

  it('--profile beats COGAUTH_PROFILE, which beats defaultProfile', () => {
    const dir = project('profile-choice', { 'cogauth.config.yaml': YAML });
    expect(resolveNamed({ flags: {}, env: { COGAUTH_PROFILE: 'prod' }, cwd: dir }).profile).toBe('prod');
    expect(
      resolveNamed({ flags: { profile: 'dev' }, env: { COGAUTH_PROFILE: 'prod' }, cwd: dir }).profile,
    ).toBe('dev');
  });

  it('empty values do not override weaker sources', () => {
    const dir = project('empty', { 'cogauth.config.yaml': YAML });
    const resolved = resolveNamed({ flags: { 'client-id': '' }, env: { COGAUTH_CLIENT_IDS: '' }, cwd: dir });
    expect(resolved.settings.clientId).toBe('dev-client');
  });

  it('scopes: a YAML list, repeated --scope flags or a space-separated variable', () => {
    const dir = project('scopes', { 'cogauth.config.yaml': YAML });
    expect(resolveNamed({ flags: {}, env: {}, cwd: dir }).settings.scopes).toBe('orders/read orders/write');
    expect(resolveNamed({ flags: { scope: ['a/x', 'b/y'] }, env: {}, cwd: dir }).settings.scopes).toBe(
      'a/x b/y',
    );
    expect(resolveNamed({ flags: {}, env: { COGAUTH_SCOPES: 'c/z' }, cwd: dir }).settings.scopes).toBe('c/z');
  });

  it('resolves a rules path from the file relative to the file, from a flag relative to nothing', () => {
    const dir = project('rules-path', { 'cogauth.config.yaml': YAML });
    expect(resolveNamed({ flags: {}, env: {}, cwd: join(dir) }).settings.rules).toBe(
      join(dir, 'rules/dev.json'),
    );
    expect(resolveNamed({ flags: { rules: 'mine.json' }, env: {}, cwd: dir }).settings.rules).toBe(
      'mine.json',
    );
  });
});

describe('config file discovery', () => {
  it('uses the nearest file up the tree, yaml or json', () => {
    const dir = project('nearest', {
      'cogauth.config.yaml': 'username: outer\n',
      'a/cogauth.config.json': JSON.stringify({
        username: 'inner',
        defaultProfile: 'x',
        profiles: { x: { scopes: 'a/b' } },
      }),
      'a/b/c/.keep': '',
    });
    const deep = resolveConfig({ flags: {}, env: {}, cwd: join(dir, 'a', 'b', 'c') });
    expect(deep.settings.username).toBe('inner');
    expect(deep.configPath).toBe(join(dir, 'a', 'cogauth.config.json'));
    expect(deep.files).toEqual([{ path: join(dir, 'a', 'cogauth.config.json'), origin: 'discovered' }]);
    expect(resolveConfig({ flags: {}, env: {}, cwd: dir }).settings.username).toBe('outer');
    expect(resolveConfig({ flags: {}, env: {}, cwd: join(dir, 'a', 'b') }).settings.scopes).toBe('a/b');
  });

  it('--config (or COGAUTH_CONFIG) names the file instead', () => {
    const dir = project('explicit', {
      'cogauth.config.yaml': 'clientId: found\n',
      'elsewhere/team.yaml': 'clientId: named\n',
    });
    expect(
      resolveConfig({ flags: { config: 'elsewhere/team.yaml' }, env: {}, cwd: dir }).settings.clientId,
    ).toBe('named');
    expect(
      resolveConfig({ flags: {}, env: { COGAUTH_CONFIG: join(dir, 'elsewhere/team.yaml') }, cwd: dir })
        .settings.clientId,
    ).toBe('named');
  });

  it('no file at all: flags and env still work', () => {
    const resolved = resolveConfig({ flags: { region: 'us-east-2' }, env: {}, cwd: '/' });
    expect(resolved.settings).toEqual({ region: 'us-east-2' });
    expect(resolved.configPath).toBeUndefined();
  });
});

describe('which file may set what (issue 10.3)', () => {
  const TRUSTED = [
    ['endpoint', 'http://127.0.0.1:9'],
    ['domain', 'https://auth.example.com'],
    ['authFlow', 'USER_PASSWORD_AUTH'],
    ['issuer', 'https://issuer.example.com/x'],
    ['jwksUri', 'https://keys.example.com/jwks.json'],
    ['userPoolId', 'us-east-1_Evil'],
    ['clientId', 'evilclient'],
    ['clientSecret', 's'],
    ['region', 'us-east-1'],
    ['tokenUse', 'any'],
  ] as const;

  it('a discovered file may not set any setting that decides where credentials go or which keys are trusted', () => {
    for (const [key, value] of TRUSTED) {
      const top = project(`discovered-top-${key}`, { 'cogauth.config.yaml': `${key}: "${value}"\n` });
      const err = configError(() => resolveConfig({ flags: {}, env: {}, cwd: top }));
      expect(err.field, key).toBe(key);
      expect(err.message, key).toMatch(/was found by searching up from the current directory.*--config/);
      // in any profile, also one not in use
      const inProfile = project(`discovered-profile-${key}`, {
        'cogauth.config.yaml': `defaultProfile: a\nprofiles:\n  a: {}\n  b:\n    ${key}: "${value}"\n`,
      });
      expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: inProfile })).field, key).toBe(
        `profiles.b.${key}`,
      );
    }
  });

  it('the same file is accepted when named, or when it is the user config file', () => {
    const text = TRUSTED.map(([k, v]) => `${k}: "${v}"`).join('\n');
    const dir = project('trusted-named', { 'cogauth.config.yaml': `${text}\n` });
    expect(resolveNamed({ flags: {}, env: {}, cwd: dir }).settings.endpoint).toBe('http://127.0.0.1:9');
    const xdg = project('trusted-xdg', { 'cogauth/config.yaml': `${text}\n` });
    const fromUser = resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' });
    expect(fromUser.settings.jwksUri).toBe('https://keys.example.com/jwks.json');
    expect(fromUser.files).toEqual([{ path: join(xdg, 'cogauth', 'config.yaml'), origin: 'user' }]);
  });

  it('user file and project file together: the project adds only untrusted settings and may pick a profile', () => {
    const xdg = project('layered-xdg', {
      'cogauth/config.yaml':
        'defaultProfile: dev\nprofiles:\n  dev: {clientId: devc}\n  prod: {clientId: prodc}\n',
    });
    const repo = project('layered-repo', {
      'cogauth.config.yaml': 'defaultProfile: prod\nusername: alice\nprofiles:\n  prod: {scopes: x/y}\n',
    });
    const r = resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: xdg }, cwd: repo });
    expect(r.profile).toBe('prod');
    expect(r.settings).toMatchObject({ clientId: 'prodc', username: 'alice', scopes: 'x/y' });
    expect(r.files.map((f) => f.origin)).toEqual(['user', 'discovered']);
  });

  it('plain http:// is refused for any host that is not loopback, whatever the source', () => {
    for (const [flag, value] of [
      ['endpoint', 'http://cognito.example.com'],
      ['issuer', 'http://10.0.0.1/pool'],
      ['jwks-uri', 'http://keys.example.com/jwks.json'],
      ['domain', 'http://auth.example.com'],
      // core's loopback rule: a name under localhost may resolve anywhere, and 127.0.0.1.nip.io does.
      ['endpoint', 'http://cognito.localhost:9229'],
      ['issuer', 'http://127.0.0.1.nip.io/pool'],
    ] as const) {
      expect(() => resolveConfig({ flags: { [flag]: value }, env: {}, cwd: '/' }), flag).toThrow(
        /plain http:\/\/ to a host that is not loopback/,
      );
    }
    for (const ok of [
      'http://127.0.0.1:9229',
      'http://localhost:9229',
      'http://[::1]:9229',
      'https://x.example',
    ]) {
      expect(resolveConfig({ flags: { endpoint: ok }, env: {}, cwd: '/' }).settings.endpoint).toBe(ok);
    }
  });
});

describe('config strictness (issue 16)', () => {
  it('a file with profiles but no defaultProfile is an error when no profile is chosen', () => {
    const dir = project('no-default', { 'cogauth.config.yaml': 'profiles:\n  a: {username: x}\n' });
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: dir })).field).toBe('defaultProfile');
    expect(resolveConfig({ flags: { profile: 'a' }, env: {}, cwd: dir }).settings.username).toBe('x');
  });

  it('unknown keys are errors in every profile, not only the chosen one', () => {
    const dir = project('typo-elsewhere', {
      'cogauth.config.yaml': 'defaultProfile: a\nprofiles:\n  a: {username: x}\n  b: {usrname: y}\n',
    });
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: dir })).field).toBe(
      'profiles.b.usrname',
    );
  });

  it('COGAUTH_CLIENT_ID is refused with its new name (COGAUTH_CLIENT_IDS, shared with the Lambda)', () => {
    const err = configError(() => resolveConfig({ flags: {}, env: { COGAUTH_CLIENT_ID: 'x' }, cwd: '/' }));
    expect(err.message).toMatch(/COGAUTH_CLIENT_IDS/);
    expect(resolveConfig({ flags: {}, env: { COGAUTH_CLIENT_IDS: 'x' }, cwd: '/' }).settings.clientId).toBe(
      'x',
    );
  });
});

describe('config errors name the bad field', () => {
  it('a missing --config file', () => {
    const err = configError(() => resolveConfig({ flags: { config: 'nope.yaml' }, env: {}, cwd: root }));
    expect(err.field).toBe('--config');
  });

  it('an unknown setting (a typo must not be ignored)', () => {
    const dir = project('typo', { 'cogauth.config.yaml': 'profiles:\n  dev:\n    clientid: x\n' });
    const err = configError(() => resolveConfig({ flags: { profile: 'dev' }, env: {}, cwd: dir }));
    expect(err.field).toBe('profiles.dev.clientid');
  });

  it('a setting that is not a string', () => {
    const dir = project('number', { 'cogauth.config.yaml': 'region: 42\n' });
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: dir })).field).toBe('region');
  });

  it('an unknown profile lists the known ones', () => {
    const dir = project('unknown-profile', { 'cogauth.config.yaml': YAML });
    const err = configError(() => resolveConfig({ flags: { profile: 'staging' }, env: {}, cwd: dir }));
    expect(err.field).toBe('profile');
    expect(err.message).toMatch(/known: dev, prod/);
  });

  it('a profile asked for without any config file', () => {
    expect(configError(() => resolveConfig({ flags: { profile: 'dev' }, env: {}, cwd: '/' })).field).toBe(
      'profile',
    );
  });

  it('malformed YAML and JSON name the file', () => {
    const dir = project('malformed', { 'cogauth.config.yaml': 'a: [1,\n', 'j/cogauth.config.json': '{"a":' });
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: dir })).field).toBe(
      join(dir, 'cogauth.config.yaml'),
    );
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: join(dir, 'j') })).message).toMatch(
      /not valid JSON/,
    );
  });

  it('a file that is not a mapping', () => {
    const dir = project('list', { 'cogauth.config.yaml': '- a\n- b\n' });
    expect(configError(() => resolveConfig({ flags: {}, env: {}, cwd: dir })).message).toMatch(/mapping/);
  });
});

describe('regionOf', () => {
  it('--region, then the pool id, then AWS_REGION / AWS_DEFAULT_REGION as the AWS CLI reads them', () => {
    const env = { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'sa-east-1' };
    const at = (flags: Record<string, string>, e: Record<string, string> = env) =>
      regionOf(resolveConfig({ flags, env: e, cwd: '/' }).settings);
    expect(at({ region: 'us-west-2', 'user-pool-id': 'eu-west-1_Abc' })).toBe('us-west-2');
    expect(at({ 'user-pool-id': 'eu-west-1_Abc' })).toBe('eu-west-1');
    expect(at({ 'user-pool-id': 'us-gov-west-1_Abc' })).toBe('us-gov-west-1');
    expect(at({ 'user-pool-id': 'local_4vYH1bWa' })).toBe('ap-south-1');
    expect(at({}, { AWS_DEFAULT_REGION: 'sa-east-1' })).toBe('sa-east-1');
    expect(at({}, {})).toBeUndefined();
  });
});

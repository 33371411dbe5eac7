import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionOfPoolId, resolveConfig } from '../src/config.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cogauth-config-'));
});
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

describe('config precedence: flags > COGAUTH_* env > profile > file top level', () => {
  it('takes each setting from the strongest source that has it', () => {
    const dir = project('precedence', { 'cogauth.config.yaml': YAML });
    const resolved = resolveConfig({
      flags: { 'client-id': 'flag-client' },
      env: { COGAUTH_CLIENT_ID: 'env-client', COGAUTH_USER_POOL_ID: 'eu-west-1_Env' },
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
    expect(resolveConfig({ flags: {}, env: {}, cwd: dir }).settings.clientId).toBe('dev-client');
    const prod = resolveConfig({ flags: { profile: 'prod' }, env: {}, cwd: dir });
    expect(prod.settings.clientId).toBe('top-client');
    expect(prod.settings.userPoolId).toBe('eu-west-1_Prod');
    expect(prod.settings.endpoint).toBeUndefined();
    expect(
      resolveConfig({ flags: {}, env: { COGAUTH_ENDPOINT: 'http://127.0.0.1:1' }, cwd: dir }).settings
        .endpoint,
    ).toBe('http://127.0.0.1:1');
  });

  it('--profile beats COGAUTH_PROFILE, which beats defaultProfile', () => {
    const dir = project('profile-choice', { 'cogauth.config.yaml': YAML });
    expect(resolveConfig({ flags: {}, env: { COGAUTH_PROFILE: 'prod' }, cwd: dir }).profile).toBe('prod');
    expect(
      resolveConfig({ flags: { profile: 'dev' }, env: { COGAUTH_PROFILE: 'prod' }, cwd: dir }).profile,
    ).toBe('dev');
  });

  it('empty values do not override weaker sources', () => {
    const dir = project('empty', { 'cogauth.config.yaml': YAML });
    const resolved = resolveConfig({ flags: { 'client-id': '' }, env: { COGAUTH_CLIENT_ID: '' }, cwd: dir });
    expect(resolved.settings.clientId).toBe('dev-client');
  });

  it('scopes: a YAML list, repeated --scope flags or a space-separated variable', () => {
    const dir = project('scopes', { 'cogauth.config.yaml': YAML });
    expect(resolveConfig({ flags: {}, env: {}, cwd: dir }).settings.scopes).toBe('orders/read orders/write');
    expect(resolveConfig({ flags: { scope: ['a/x', 'b/y'] }, env: {}, cwd: dir }).settings.scopes).toBe(
      'a/x b/y',
    );
    expect(resolveConfig({ flags: {}, env: { COGAUTH_SCOPES: 'c/z' }, cwd: dir }).settings.scopes).toBe(
      'c/z',
    );
  });

  it('resolves a rules path from the file relative to the file, from a flag relative to nothing', () => {
    const dir = project('rules-path', { 'cogauth.config.yaml': YAML });
    expect(resolveConfig({ flags: {}, env: {}, cwd: join(dir) }).settings.rules).toBe(
      join(dir, 'rules/dev.json'),
    );
    expect(resolveConfig({ flags: { rules: 'mine.json' }, env: {}, cwd: dir }).settings.rules).toBe(
      'mine.json',
    );
  });
});

describe('config file discovery', () => {
  it('uses the nearest file up the tree, yaml or json', () => {
    const dir = project('nearest', {
      'cogauth.config.yaml': 'clientId: outer\n',
      'a/cogauth.config.json': JSON.stringify({
        clientId: 'inner',
        profiles: { x: { region: 'us-west-2' } },
      }),
      'a/b/c/.keep': '',
    });
    const deep = resolveConfig({ flags: {}, env: {}, cwd: join(dir, 'a', 'b', 'c') });
    expect(deep.settings.clientId).toBe('inner');
    expect(deep.configPath).toBe(join(dir, 'a', 'cogauth.config.json'));
    expect(resolveConfig({ flags: {}, env: {}, cwd: dir }).settings.clientId).toBe('outer');
    expect(
      resolveConfig({ flags: { profile: 'x' }, env: {}, cwd: join(dir, 'a', 'b') }).settings.region,
    ).toBe('us-west-2');
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

describe('regionOfPoolId', () => {
  it('reads the region from AWS pool ids and none from cognito-local ids', () => {
    expect(regionOfPoolId('us-east-1_AbC123')).toBe('us-east-1');
    expect(regionOfPoolId('us-gov-west-1_AbC123')).toBe('us-gov-west-1');
    expect(regionOfPoolId('local_4vYH1bWa')).toBeUndefined();
    expect(regionOfPoolId(undefined)).toBeUndefined();
  });
});

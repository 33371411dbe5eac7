import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { writeUserProfile } from '../../src/user-config.js';

// `pnpm dev` writes a `local` profile into the user's own config file with writeUserProfile.

const root = mkdtempSync(join(tmpdir(), 'cogauth-user-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LOCAL = {
  endpoint: 'http://127.0.0.1:9229',
  userPoolId: 'local_abc',
  clientId: 'client1',
  authFlow: 'USER_PASSWORD_AUTH',
};

describe('writeUserProfile', () => {
  it('creates the user config file (0600) with the profile as the default', () => {
    const env = { XDG_CONFIG_HOME: join(root, 'new') };
    const { path, madeDefault } = writeUserProfile(env, 'local', LOCAL);
    expect(path).toBe(join(root, 'new', 'cogauth', 'config.yaml'));
    expect(madeDefault).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const resolved = resolveConfig({ flags: {}, env, cwd: '/' });
    expect(resolved.profile).toBe('local');
    expect(resolved.settings).toMatchObject(LOCAL);
  });

  it('keeps the other profiles, comments and the default of an existing file; replaces only its own', () => {
    const xdg = join(root, 'existing');
    mkdirSync(join(xdg, 'cogauth'), { recursive: true });
    const path = join(xdg, 'cogauth', 'config.yaml');
    writeFileSync(
      path,
      '# mine\ndefaultProfile: prod\nprofiles:\n  prod:\n    clientId: p # prod client\n  local:\n    clientId: old\n',
    );
    const { madeDefault } = writeUserProfile({ XDG_CONFIG_HOME: xdg }, 'local', LOCAL);
    expect(madeDefault).toBe(false);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('# mine');
    expect(text).toContain('clientId: p # prod client');
    expect(text).not.toContain('old');
    const local = resolveConfig({ flags: { profile: 'local' }, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' });
    expect(local.settings).toMatchObject(LOCAL);
    expect(resolveConfig({ flags: {}, env: { XDG_CONFIG_HOME: xdg }, cwd: '/' }).profile).toBe('prod');
  });
});

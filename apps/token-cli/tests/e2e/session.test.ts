import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CognitoLocal, type CognitoPool, startCognitoLocal } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

// Issue 16.1: login saves a session; token / whoami / logout use it. Against cognito-local.

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });

let cognito: CognitoLocal;
let pool: CognitoPool;
let clientId: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogauth-session-'));
  cognito = await startCognitoLocal();
  pool = await cognito.createPool('sessions');
  ({ clientId } = await cognito.createClient(pool.poolId, { name: 'cli' }));
  await cognito.createGroup(pool.poolId, 'writers');
  await cognito.createUser(pool.poolId, 'alice', 'Alice-Passw0rd!', {
    groups: ['writers'],
    email: 'alice@example.com',
  });
});

afterAll(async () => {
  await cognito?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh home per test: its own state and config directories. */
function home(name: string): { env: Record<string, string>; sessions: string } {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  return {
    env: { XDG_STATE_HOME: join(root, 'state'), XDG_CONFIG_HOME: join(root, 'config') },
    sessions: join(root, 'state', 'cogauth', 'sessions'),
  };
}

function login(env: Record<string, string>, ...extra: string[]) {
  const pool_ = ['--endpoint', cognito.endpoint, '--user-pool-id', pool.poolId, '--client-id', clientId];
  return runCli(
    ['login', ...pool_, '--auth-flow', 'USER_PASSWORD_AUTH', '-u', 'alice', '--password-stdin', ...extra],
    {
      env,
      input: 'Alice-Passw0rd!\n',
    },
  );
}

const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());

describe('sessions', () => {
  it('login saves the session 0600 in a 0700 directory and, piped, prints the bare access token', async () => {
    const { env, sessions } = home('save');
    const res = await login(env);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const token = res.stdout.trim();
    expect(payloadOf(token).token_use).toBe('access');
    const file = join(sessions, 'default.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(sessions).mode & 0o777).toBe(0o700);
    expect(statSync(join(sessions, '..')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({
      version: 1,
      kind: 'cognito',
      clientId,
      endpoint: cognito.endpoint,
      username: 'alice',
    });
    expect(saved.accessToken).toBe(token);
    expect(JSON.stringify(saved)).not.toContain('Alice-Passw0rd!');
    const noSave = home('no-save');
    await login(noSave.env, '--no-save');
    expect(() => statSync(noSave.sessions)).toThrow();
  });

  it('token prints the saved token; within the margin it refreshes silently and saves the new one', async () => {
    const { env, sessions } = home('token');
    const first = (await login(env)).stdout.trim();
    const same = await runCli(['token'], { env });
    expect(same).toMatchObject({ code: 0, stdout: `${first}\n`, stderr: '' });
    const id = await runCli(['token', '--id'], { env });
    expect(payloadOf(id.stdout.trim()).token_use).toBe('id');

    const file = join(sessions, 'default.json');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...saved, expiresAt: Date.now() + 30_000 }));
    // A refresh goes where the configuration says (here COGAUTH_ENDPOINT), never where the file says alone.
    const refreshed = await runCli(['token'], { env: { ...env, COGAUTH_ENDPOINT: cognito.endpoint } });
    expect(refreshed.code).toBe(0);
    expect(refreshed.stderr).toBe('');
    const after = JSON.parse(readFileSync(file, 'utf8'));
    expect(refreshed.stdout).toBe(`${after.accessToken}\n`);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 3600_000);
    expect(after.refreshToken).toBe(saved.refreshToken);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // --min-valid larger than what is left forces a refresh too
    const forced = await runCli(['token', '--min-valid', '86400'], {
      env: { ...env, COGAUTH_ENDPOINT: cognito.endpoint },
    });
    expect(forced.code).toBe(0);
  });

  it('a session file that group or others can read is refused', async () => {
    const { env, sessions } = home('modes');
    await login(env);
    const file = join(sessions, 'default.json');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(file, mode);
      const res = await runCli(['token'], { env });
      expect(res.code, mode.toString(8)).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(
        /refusing the session .*default\.json: group or others may access it \(mode 6[0-6]{2}\)/,
      );
    }
  });

  it('whoami shows user, groups, scopes and expiry; --json too', async () => {
    const { env } = home('whoami');
    await login(env);
    const res = await runCli(['whoami'], { env });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(
      /^user: {5}alice\nemail: {4}alice@example\.com \(verified\)\ngroups: {3}writers\nscopes: {3}aws\.cognito\.signin\.user\.admin\nexpires: {2}\S+ \(in 2[34]h/,
    );
    expect(res.stdout).not.toContain('\u001b[');
    const json = JSON.parse((await runCli(['whoami', '--json'], { env })).stdout);
    expect(json).toMatchObject({
      profile: 'default',
      username: 'alice',
      groups: ['writers'],
      email: 'alice@example.com',
      emailVerified: true,
    });
    const none = await runCli(['whoami'], { env: home('nobody').env });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('cogauth: not logged in (profile default): run "cogauth login"\n');
  });

  it('logout revokes the refresh token with Cognito RevokeToken and deletes the session', async () => {
    const { env, sessions } = home('logout');
    await login(env);
    const file = join(sessions, 'default.json');
    const { refreshToken } = JSON.parse(readFileSync(file, 'utf8'));
    const pool_ = ['--endpoint', cognito.endpoint, '--user-pool-id', pool.poolId, '--client-id', clientId];
    const before = await runCli(['refresh', ...pool_, '--print', 'access'], {
      env: { ...env, COGAUTH_REFRESH_TOKEN: refreshToken },
    });
    expect(before.code).toBe(0);
    const out = await runCli(['logout'], { env: { ...env, COGAUTH_ENDPOINT: cognito.endpoint } });
    expect(out).toMatchObject({ code: 0, stdout: '' });
    expect(out.stderr).toBe('cogauth: refresh token revoked and session deleted (profile default)\n');
    expect(() => statSync(file)).toThrow();
    const after = await runCli(['refresh', ...pool_, '--print', 'access'], {
      env: { ...env, COGAUTH_REFRESH_TOKEN: refreshToken },
    });
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/refresh failed: .*NotAuthorized/);
  });

  it('one session per profile', async () => {
    const { env, sessions } = home('profiles');
    mkdirSync(join(env.XDG_CONFIG_HOME as string, 'cogauth'), { recursive: true });
    writeFileSync(
      join(env.XDG_CONFIG_HOME as string, 'cogauth', 'config.yaml'),
      `defaultProfile: local\nprofiles:\n  local:\n    endpoint: ${cognito.endpoint}\n    userPoolId: ${pool.poolId}\n` +
        `    clientId: ${clientId}\n    authFlow: USER_PASSWORD_AUTH\n  other:\n    endpoint: ${cognito.endpoint}\n`,
    );
    const local = await runCli(['login', '--profile', 'local', '-u', 'alice', '--password-stdin'], {
      env,
      input: 'Alice-Passw0rd!',
    });
    expect(local.code).toBe(0);
    expect(statSync(join(sessions, 'local.json')).mode & 0o777).toBe(0o600);
    expect((await runCli(['token', '--profile', 'local'], { env })).stdout).toBe(local.stdout);
    // defaultProfile picks the session too
    expect((await runCli(['token'], { env })).stdout).toBe(local.stdout);
    const other = await runCli(['token', '--profile', 'other'], { env });
    expect(other.stderr).toBe(
      'cogauth: not logged in (profile other): run "cogauth login --profile other"\n',
    );
  });
});

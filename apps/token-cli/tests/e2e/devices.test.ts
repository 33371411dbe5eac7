// Remembered devices (issue 23.4), the built CLI against the Cognito stand-in: `login --remember-device`
// confirms the device Cognito started tracking (ConfirmDevice with the SRP verifier of a random device
// password), later logins prove the device (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER) instead of an SMS
// code, refreshes name the device (DEVICE_KEY), `logout --forget-device` forgets it, and a device file
// others could read or write is never used.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { type CliResult, type RunOptions, runCli as runRaw, TEST_HOME } from '../helpers/run-cli.js';
import { runAnswering } from '../helpers/standin-cli.js';

const PASSWORD = 'Corr3ct-horse!';
/** The endpoint notice ("using endpoint … (not AWS)") is config-trust.test.ts's subject, not this file's. */
const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });
const key = generateTestKey({ alg: 'RS256', kid: 'cli-devices' });
let standIn: CognitoStandIn;

beforeAll(async () => {
  standIn = await startCognitoStandIn({ signingKey: key });
});
afterAll(async () => {
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
}

let homes = 0;

/**
 * A pool that requires SMS MFA and tracks devices, alice with a phone, a client, and a fresh state
 * directory with the configuration a refresh needs (the stand-in's endpoint, pool and client).
 */
function setUp(mode: 'Always' | 'UserOptIn' = 'Always', rotate = false) {
  const { poolId } = standIn.createPool({ mfa: 'ON', mfaFactors: ['SMS_MFA'] });
  standIn.setDeviceTracking(poolId, mode, { challengeRequiredOnNewDevice: true });
  const { clientId } = standIn.createClient(poolId, {
    explicitAuthFlows: [
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      ...(rotate ? [] : (['ALLOW_REFRESH_TOKEN_AUTH'] as const)),
    ],
    ...(rotate ? { refreshTokenRotation: { enabled: true } } : {}),
  });
  standIn.createUser(poolId, 'alice', { password: PASSWORD, attributes: { phone_number: '+15555550100' } });
  standIn.setUserMfa(poolId, 'alice', { SMS_MFA: { enabled: true, preferred: true } });
  homes += 1;
  const state = join(TEST_HOME, `devices-${homes}`);
  const env = {
    XDG_STATE_HOME: state,
    COGAUTH_ENDPOINT: standIn.endpoint,
    COGAUTH_USER_POOL_ID: poolId,
    COGAUTH_CLIENT_IDS: clientId,
  };
  const deviceFile = join(state, 'cogauth', 'devices', 'default.json');
  return {
    poolId,
    clientId,
    env,
    deviceFile,
    sessionFile: join(state, 'cogauth', 'sessions', 'default.json'),
  };
}

type Setup = ReturnType<typeof setUp>;

const SMS_WAIT = 'cogauth: SMS_MFA: reading the code sent by SMS to +*******0100 from stdin';

/** A login answering the SMS code from stdin if it is asked for. */
function login(s: Setup, ...extra: string[]): Promise<CliResult> {
  return runAnswering(
    ['login', '-u', 'alice', '--password-stdin', '--codes-stdin', '--print', 'access', ...extra],
    {
      env: s.env,
      first: [PASSWORD],
      steps: [{ when: SMS_WAIT, answer: () => standIn.lastCode(s.poolId, 'alice') }],
    },
  );
}

function smsCount(s: Setup): number {
  return standIn.sentMessages(s.poolId, 'alice').length;
}

function ok(res: CliResult): Record<string, unknown> {
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout.trim().split('.')).toHaveLength(3);
  return claimsOf(res.stdout.trim());
}

describe('login --remember-device', () => {
  it('confirms the device and keeps its secret 0600; the next login proves the device instead of an SMS code', async () => {
    // Through a recording proxy: which challenges came, and that the device password never travelled.
    const proxy = await startRecordingProxy(standIn.endpoint);
    try {
      const s = setUp();
      s.env.COGAUTH_ENDPOINT = proxy.endpoint;
      const first = await login(s, '--remember-device');
      ok(first);
      expect(smsCount(s)).toBe(1);
      expect(first.stderr).toContain(
        `cogauth: this device is remembered (${s.deviceFile}); later logins here skip MFA`,
      );
      expect(statSync(s.deviceFile).mode & 0o777).toBe(0o600);
      expect(statSync(join(s.deviceFile, '..')).mode & 0o777).toBe(0o700);
      const saved = JSON.parse(readFileSync(s.deviceFile, 'utf8'));
      expect(standIn.devices(s.poolId, 'alice')).toEqual([
        expect.objectContaining({
          deviceKey: saved.deviceKey,
          confirmed: true,
          remembered: true,
          name: expect.stringMatching(/^cogauth on /),
        }),
      ]);
      const confirm = proxy.requests.find((r) => r.operation === 'ConfirmDevice');
      expect(confirm?.body.DeviceSecretVerifierConfig).toEqual({
        PasswordVerifier: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
        Salt: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      });

      const since = proxy.requests.length;
      const second = await runCli(['login', '-u', 'alice', '--password-stdin', '--print', 'access'], {
        env: s.env,
        input: PASSWORD,
      });
      expect(ok(second).device_key).toBe(saved.deviceKey);
      expect(smsCount(s)).toBe(1);
      const signIn = proxy.requests.slice(since);
      expect(signIn.map((r) => r.body.ChallengeName ?? r.body.AuthFlow)).toEqual([
        'USER_SRP_AUTH',
        'PASSWORD_VERIFIER',
        'DEVICE_SRP_AUTH',
        'DEVICE_PASSWORD_VERIFIER',
      ]);
      expect(signIn[0]?.body.AuthParameters).toMatchObject({ DEVICE_KEY: saved.deviceKey });
      expect(signIn[3]?.body.ChallengeResponses).toMatchObject({
        USERNAME: 'alice',
        DEVICE_KEY: saved.deviceKey,
      });
      for (const request of proxy.requests) expect(request.raw).not.toContain(saved.devicePassword);
      expect(`${first.stdout}${first.stderr}${second.stdout}${second.stderr}`).not.toContain(
        saved.devicePassword,
      );
    } finally {
      await proxy.close();
    }
  });

  it('where the pool asks the user to opt in, UpdateDeviceStatus remembers it', async () => {
    const s = setUp('UserOptIn');
    const before = standIn.calls().length;
    ok(await login(s, '--remember-device'));
    const ops = standIn
      .calls()
      .slice(before)
      .map((c) => c.operation);
    expect(ops.slice(-2)).toEqual(['ConfirmDevice', 'UpdateDeviceStatus']);
    expect(standIn.devices(s.poolId, 'alice')[0]).toMatchObject({ confirmed: true, remembered: true });
    ok(await login(s));
    expect(smsCount(s)).toBe(1);
  });

  it('--remember-device with --no-save is refused before anything is sent', async () => {
    const s = setUp();
    const res = await runCli(['login', '-u', 'alice', '--password-stdin', '--remember-device', '--no-save'], {
      env: s.env,
      input: PASSWORD,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--remember-device keeps a device file, --no-save keeps nothing/);
  });
});

describe('refreshing a session of a tracked device', () => {
  it('the refresh names the device the tokens are bound to (DEVICE_KEY), remembered or not', async () => {
    for (const remember of [false, true]) {
      const s = setUp();
      const issued = ok(await login(s, ...(remember ? ['--remember-device'] : [])));
      const session = JSON.parse(readFileSync(s.sessionFile, 'utf8'));
      expect(session.deviceKey).toBe(issued.device_key);
      const refreshed = await runCli(['token', '--min-valid', '86400'], { env: s.env });
      expect(refreshed.stderr).toBe('');
      expect(refreshed.code).toBe(0);
      const after = claimsOf(refreshed.stdout.trim());
      expect(after.device_key).toBe(issued.device_key);
      expect(after.jti).not.toBe(issued.jti);
    }
  });
  it('on a client that rotates refresh tokens, GetTokensFromRefreshToken names the device too (DeviceKey)', async () => {
    const s = setUp('Always', true);
    const issued = ok(await login(s, '--remember-device'));
    for (let round = 0; round < 2; round += 1) {
      const refreshed = await runCli(['token', '--min-valid', '86400'], { env: s.env });
      expect(refreshed.stderr).toBe('');
      expect(refreshed.code).toBe(0);
      expect(claimsOf(refreshed.stdout.trim()).device_key).toBe(issued.device_key);
    }
    const session = JSON.parse(readFileSync(s.sessionFile, 'utf8'));
    expect(session).toMatchObject({ refreshWith: 'GetTokensFromRefreshToken', deviceKey: issued.device_key });
  });
});

describe('logout --forget-device', () => {
  it('forgets the device at Cognito before revoking, deletes its file, and MFA is asked again', async () => {
    const s = setUp();
    ok(await login(s, '--remember-device'));
    const before = standIn.calls().length;
    const out = await runCli(['logout', '--forget-device'], { env: s.env });
    expect(out.code).toBe(0);
    expect(out.stderr).toBe(
      `cogauth: device forgotten at Cognito and ${s.deviceFile} deleted\n` +
        'cogauth: refresh token revoked and session deleted (profile default)\n',
    );
    expect(
      standIn
        .calls()
        .slice(before)
        .map((c) => c.operation),
    ).toEqual(['ForgetDevice', 'RevokeToken']);
    expect(standIn.devices(s.poolId, 'alice')).toEqual([]);
    expect(existsSync(s.deviceFile)).toBe(false);
    ok(await login(s));
    expect(smsCount(s)).toBe(2);
  });

  it('a device Cognito forgot elsewhere: login says so, deletes the file, and asks for MFA', async () => {
    const s = setUp();
    ok(await login(s, '--remember-device'));
    const kept = join(TEST_HOME, `kept-device-${homes}.json`);
    copyFileSync(s.deviceFile, kept);
    expect((await runCli(['logout', '--forget-device'], { env: s.env })).code).toBe(0);
    copyFileSync(kept, s.deviceFile);
    chmodSync(s.deviceFile, 0o600);
    const res = await login(s);
    ok(res);
    expect(res.stderr).toContain(
      'cogauth: Cognito no longer knows the remembered device; it was forgotten here too',
    );
    expect(existsSync(s.deviceFile)).toBe(false);
    expect(smsCount(s)).toBe(2);
  });
});

describe('a device file others may access, or another user owns, is never used', () => {
  async function refusedAtLogin(s: Setup, why: RegExp): Promise<void> {
    const res = await login(s);
    ok(res);
    expect(res.stderr).toMatch(why);
    // The device was not proven: Cognito asked for the SMS code again.
    expect(smsCount(s)).toBe(2);
    // logout --forget-device deletes it unread and tells Cognito nothing about it.
    const before = standIn.calls().length;
    const out = await runCli(['logout', '--forget-device'], { env: s.env });
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/^cogauth: deleted the device file .*default\.json unread \(/);
    expect(
      standIn
        .calls()
        .slice(before)
        .map((c) => c.operation),
    ).toEqual(['RevokeToken']);
    expect(existsSync(s.deviceFile)).toBe(false);
  }

  it('mode 0644 / 0666: not used', async () => {
    for (const mode of [0o644, 0o666]) {
      const s = setUp();
      ok(await login(s, '--remember-device'));
      chmodSync(s.deviceFile, mode);
      await refusedAtLogin(
        s,
        new RegExp(
          `not using the remembered device .*: group or others may access it \\(mode ${mode.toString(8)}\\)`,
        ),
      );
    }
  });

  const canChown = typeof process.getuid === 'function' && process.getuid() === 0;
  it.skipIf(!canChown)('owned by another user (chown to uid 65534, as root): not used', async () => {
    const s = setUp();
    ok(await login(s, '--remember-device'));
    expect(spawnSync('chown', ['65534', s.deviceFile]).status).toBe(0);
    await refusedAtLogin(s, /not using the remembered device .*: it belongs to another user \(uid 65534\)/);
  });

  it('a symbolic link: not used', async () => {
    const s = setUp();
    ok(await login(s, '--remember-device'));
    const elsewhere = join(TEST_HOME, `elsewhere-${homes}.json`);
    copyFileSync(s.deviceFile, elsewhere);
    chmodSync(elsewhere, 0o600);
    rmSync(s.deviceFile);
    symlinkSync(elsewhere, s.deviceFile);
    await refusedAtLogin(s, /not using the remembered device .*: it is not a regular file/);
  });
});

it('a device of another user, client or endpoint is not sent', async () => {
  const s = setUp();
  ok(await login(s, '--remember-device'));
  standIn.createUser(s.poolId, 'bob', { password: PASSWORD, attributes: { phone_number: '+15555550199' } });
  standIn.setUserMfa(s.poolId, 'bob', { SMS_MFA: { enabled: true } });
  const proxy = await startRecordingProxy(standIn.endpoint);
  try {
    const res = await runAnswering(
      [
        'login',
        '-u',
        'bob',
        '--password-stdin',
        '--codes-stdin',
        '--print',
        'access',
        '--endpoint',
        proxy.endpoint,
      ],
      {
        env: { ...s.env, COGAUTH_ENDPOINT: proxy.endpoint },
        first: [PASSWORD],
        steps: [{ when: 'cogauth: SMS_MFA: reading', answer: () => standIn.lastCode(s.poolId, 'bob') }],
      },
    );
    ok(res);
    expect(proxy.requests[0]?.body.AuthParameters).not.toHaveProperty('DEVICE_KEY');
  } finally {
    await proxy.close();
  }
});

// Where the answers of a sign-in come from (issue 23.2): each answer's COGAUTH_* variable, stdin lines
// (--codes-stdin, with --password-stdin's line first), or a prompt without echo on a terminal; never
// required on argv. One sign-in that needs a password, a new password and an SMS code is run each way
// against the Cognito stand-in behind a recording proxy: no secret shows on stdout, stderr or the
// terminal (also with --debug), and each goes to Cognito only in the field it belongs to.
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';
import { type RecordingProxy, startRecordingProxy } from '../helpers/recording-proxy.js';
import { type CliResult, runCli } from '../helpers/run-cli.js';
import { runAnswering } from '../helpers/standin-cli.js';

const PASSWORD = 'Temp-horse-1!';
const NEW_PASSWORD = 'N3w-battery-staple!';
const ERASE_LINE = '\r\u001b[2K';
const key = generateTestKey({ alg: 'RS256', kid: 'cli-answers' });
let standIn: CognitoStandIn;
let proxy: RecordingProxy;

beforeAll(async () => {
  standIn = await startCognitoStandIn({ signingKey: key });
  proxy = await startRecordingProxy(standIn.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await standIn?.close();
});
afterEach(() => {
  expect(standIn.internalErrors()).toEqual([]);
});

/** alice has a temporary password and SMS MFA; the pool requires MFA. */
function setUp() {
  const { poolId } = standIn.createPool({ mfa: 'ON', mfaFactors: ['SMS_MFA'] });
  const { clientId } = standIn.createClient(poolId);
  standIn.createUser(poolId, 'alice', {
    password: PASSWORD,
    temporary: true,
    attributes: { phone_number: '+15555550100' },
  });
  standIn.setUserMfa(poolId, 'alice', { SMS_MFA: { enabled: true } });
  proxy.requests.length = 0;
  const flags = [
    '--endpoint',
    proxy.endpoint,
    '--user-pool-id',
    poolId,
    '--client-id',
    clientId,
    '-u',
    'alice',
  ];
  return { poolId, flags: [...flags, '--no-save'] };
}

/** Every secret of the sign-in: the answers, and the refresh and ID tokens Cognito issued. */
function secretsOf(poolId: string): string[] {
  const answer = JSON.parse(proxy.requests.at(-1)?.answer ?? '{}');
  const { RefreshToken, IdToken } = answer.AuthenticationResult ?? {};
  expect(typeof RefreshToken).toBe('string');
  return [PASSWORD, NEW_PASSWORD, standIn.lastCode(poolId, 'alice'), RefreshToken, IdToken];
}

/** Where each secret went: the password nowhere (SRP), the new password and the code only in their fields. */
function checkRequests(poolId: string): void {
  const code = standIn.lastCode(poolId, 'alice');
  const carrying = (secret: string) =>
    proxy.requests.filter((r) => r.raw.includes(secret)).map((r) => r.body.ChallengeName ?? r.operation);
  expect(carrying(PASSWORD)).toEqual([]);
  expect(carrying(NEW_PASSWORD)).toEqual(['NEW_PASSWORD_REQUIRED']);
  expect(carrying(code)).toEqual(['SMS_MFA']);
  const byName = (name: string) => proxy.requests.find((r) => r.body.ChallengeName === name)?.body;
  expect(byName('NEW_PASSWORD_REQUIRED')?.ChallengeResponses).toMatchObject({ NEW_PASSWORD: NEW_PASSWORD });
  expect(byName('SMS_MFA')?.ChallengeResponses).toMatchObject({ SMS_MFA_CODE: code });
}

/** stdout is the access token alone (--print access); stdout and stderr hold no secret. */
function checkOutput(poolId: string, res: CliResult): void {
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout.trim().split('.')).toHaveLength(3);
  expect(res.stdout.trim().split('\n')).toHaveLength(1);
  for (const secret of secretsOf(poolId)) {
    expect(res.stderr).not.toContain(secret);
    expect(res.stdout).not.toContain(secret);
  }
}

const SMS_WAIT = 'cogauth: SMS_MFA: reading the code sent by SMS to +*******0100 from stdin';

describe('one sign-in with a password, a new password and an SMS code', () => {
  it('answers from variables (the SMS code, sent during the sign-in, from stdin), also with --debug', async () => {
    const { poolId, flags } = setUp();
    const res = await runAnswering(['login', ...flags, '--codes-stdin', '--print', 'access', '--debug'], {
      env: { COGAUTH_PASSWORD: PASSWORD, COGAUTH_NEW_PASSWORD: NEW_PASSWORD },
      steps: [{ when: SMS_WAIT, answer: () => standIn.lastCode(poolId, 'alice') }],
    });
    checkOutput(poolId, res);
    expect(res.stderr).toContain('cogauth: debug: config file none');
    checkRequests(poolId);
  });

  it('answers as stdin lines: the password first (--password-stdin), then each answer when asked', async () => {
    const { poolId, flags } = setUp();
    const res = await runAnswering(
      ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'],
      {
        first: [PASSWORD],
        steps: [
          { when: 'cogauth: NEW_PASSWORD_REQUIRED: reading a new password', answer: () => NEW_PASSWORD },
          { when: SMS_WAIT, answer: () => standIn.lastCode(poolId, 'alice') },
        ],
        timeoutMs: 10_000,
      },
    );
    checkOutput(poolId, res);
    checkRequests(poolId);
  });

  it.skipIf(!HAS_SCRIPT)('answers typed on a terminal: nothing typed is echoed', async () => {
    const { poolId, flags } = setUp();
    const { code, screen } = await runInPty(
      ['login', ...flags, '--print', 'access'],
      [
        ['Password for alice: ', PASSWORD],
        ['New password: ', NEW_PASSWORD],
        ['New password again: ', NEW_PASSWORD],
        ['Code sent by SMS to +*******0100: ', () => standIn.lastCode(poolId, 'alice')],
      ],
    );
    expect(code).toBe(0);
    const token = screen.split(ERASE_LINE).at(-1)?.trim() ?? '';
    expect(token.split('.')).toHaveLength(3);
    for (const secret of secretsOf(poolId)) expect(screen).not.toContain(secret);
    checkRequests(poolId);
  });
});

describe('the argv forms, and what happens without an answer', () => {
  it('--new-password and --totp-code still answer, and warn that argv is visible', async () => {
    const { poolId, clientId } = (() => {
      const { poolId } = standIn.createPool({ mfa: 'OPTIONAL' });
      return { poolId, clientId: standIn.createClient(poolId).clientId };
    })();
    standIn.createUser(poolId, 'alice', { password: PASSWORD, temporary: true });
    const flags = [
      '--endpoint',
      standIn.endpoint,
      '--user-pool-id',
      poolId,
      '--client-id',
      clientId,
      '-u',
      'alice',
    ];
    const res = await runCli(
      ['login', ...flags, '--no-save', '--password-stdin', '--new-password', NEW_PASSWORD],
      {
        input: PASSWORD,
        stripNotices: true,
      },
    );
    expect(res.code).toBe(0);
    expect(res.notices).toContain(
      'cogauth: warning: --new-password on the command line is visible in "ps" and your shell history; use COGAUTH_NEW_PASSWORD',
    );
    const secret = standIn.enrolTotp(poolId, 'alice');
    standIn.setUserMfa(poolId, 'alice', { SOFTWARE_TOKEN_MFA: { enabled: true } });
    const totp = await runCli(
      ['login', ...flags, '--no-save', '--password-stdin', '--totp-code', standIn.totpCode(secret)],
      { input: NEW_PASSWORD, stripNotices: true },
    );
    expect(totp.code).toBe(0);
    expect(totp.notices).toContain(
      'cogauth: warning: --totp-code on the command line is visible in "ps" and your shell history; use COGAUTH_MFA_CODE',
    );
  });

  it('stdin that ends before an answer is one line naming the challenge', async () => {
    const { flags } = setUp();
    const res = await runCli(['login', ...flags, '--password-stdin', '--codes-stdin'], {
      input: `${PASSWORD}\n`,
      stripNotices: true,
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'cogauth: NEW_PASSWORD_REQUIRED: reading a new password (the current one is temporary) from stdin\n' +
        'cogauth: stdin ended before the answer to NEW_PASSWORD_REQUIRED\n',
    );
  });

  it('a pipe left open on stdin does not keep the CLI waiting once it has every answer', async () => {
    const { poolId, flags } = setUp();
    // The step below never matches, so stdin stays open for the whole run.
    const res = await runAnswering(
      ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'],
      {
        first: [PASSWORD, NEW_PASSWORD],
        steps: [
          { when: SMS_WAIT, answer: () => standIn.lastCode(poolId, 'alice') },
          { when: 'never printed', answer: () => '' },
        ],
        timeoutMs: 10_000,
      },
    );
    expect(res.code).toBe(0);
  });
});

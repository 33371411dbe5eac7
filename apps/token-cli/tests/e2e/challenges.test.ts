// Every challenge `cogauth login` answers, run by the built CLI against the Cognito stand-in
// (@cogauth/test-fixtures: the flows follow the Cognito API reference field by field). Answers come from
// their COGAUTH_* variable, from stdin lines (--codes-stdin, written once the CLI says it waits), or from
// a pseudo-terminal; each refusal is one line naming the challenge.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';
import { readQrLines } from '../helpers/qr-read.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { type CliResult, runCli, TEST_HOME } from '../helpers/run-cli.js';
import { runAnswering, standInFlags } from '../helpers/standin-cli.js';

const PASSWORD = 'Corr3ct-horse!';
const PHONE = '+15555550100';
const EMAIL = 'alice@example.com';
const ERASE_LINE = '\r\u001b[2K';
const key = generateTestKey({ alg: 'RS256', kid: 'cli-challenges' });
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

type PoolOptions = Parameters<CognitoStandIn['createPool']>[0];
type UserOptions = Parameters<CognitoStandIn['createUser']>[2];

/** A pool, a client with every flow the tests use, and the user alice. */
function setUp(pool: PoolOptions = {}, user: UserOptions = { password: PASSWORD }) {
  const { poolId } = standIn.createPool(pool);
  const { clientId } = standIn.createClient(poolId, {
    explicitAuthFlows: [
      'ALLOW_USER_SRP_AUTH',
      'ALLOW_USER_PASSWORD_AUTH',
      'ALLOW_USER_AUTH',
      'ALLOW_CUSTOM_AUTH',
      'ALLOW_REFRESH_TOKEN_AUTH',
    ],
  });
  standIn.createUser(poolId, 'alice', user);
  const flags = [...standInFlags(standIn, poolId, clientId), '-u', 'alice', '--no-save'];
  return { poolId, clientId, flags };
}

/** stderr without the endpoint notice and the "reading ... from stdin" lines a script waits for. */
function otherLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter(
      (l) => l !== '' && !/^cogauth: (using endpoint .* \(not AWS\)|[A-Z_]+: reading .* from stdin)$/.test(l),
    );
}

/** The one token `--print access` printed, and its claims. */
function signedIn(res: CliResult): Record<string, unknown> {
  expect(otherLines(res.stderr)).toEqual([]);
  expect(res.code).toBe(0);
  const token = res.stdout.trim();
  expect(token.split('.')).toHaveLength(3);
  return claimsOf(token);
}

/** A refusal: exit code, nothing on stdout, and one line (after the endpoint notice) matching `message`. */
function refused(res: CliResult, code: number, message: RegExp): void {
  expect(res.stdout).toBe('');
  expect(otherLines(res.stderr)).toHaveLength(1);
  expect(otherLines(res.stderr)[0]).toMatch(message);
  expect(res.code).toBe(code);
}

const codeOf = (poolId: string) => () => standIn.lastCode(poolId, 'alice');
const reading = (challenge: string, what: string) => `cogauth: ${challenge}: reading ${what} from stdin`;

describe('PASSWORD_VERIFIER (USER_SRP_AUTH, the default)', () => {
  it('the SRP proof signs the user in', async () => {
    const { flags } = setUp();
    const res = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
      input: PASSWORD,
    });
    expect(signedIn(res).username).toBe('alice');
  });

  it('a wrong password is one line with Cognito reason', async () => {
    const { flags } = setUp();
    const res = await runCli(['login', ...flags, '--password-stdin'], { input: 'Wrong-horse-1!' });
    refused(
      res,
      1,
      /^cogauth: PASSWORD_VERIFIER challenge failed: Incorrect username or password\. \(NotAuthorizedException\)$/,
    );
  });
});

describe('SMS_MFA, EMAIL_OTP and SOFTWARE_TOKEN_MFA (MFA after the password)', () => {
  it('SMS_MFA: the code sent by SMS, from a stdin line written once the CLI says it waits for it', async () => {
    const { poolId, flags } = setUp(
      { mfa: 'OPTIONAL' },
      { password: PASSWORD, attributes: { phone_number: PHONE } },
    );
    standIn.setUserMfa(poolId, 'alice', { SMS_MFA: { enabled: true } });
    const res = await runAnswering(
      ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'],
      {
        first: [PASSWORD],
        steps: [{ when: reading('SMS_MFA', 'the code sent by SMS to +*******0100'), answer: codeOf(poolId) }],
      },
    );
    expect(signedIn(res).username).toBe('alice');
    expect(standIn.sentMessages(poolId, 'alice').map((m) => m.medium)).toEqual(['SMS']);
  });

  it('EMAIL_OTP as MFA: the code sent by email, from stdin', async () => {
    const { poolId, flags } = setUp({ mfa: 'ON' }, { password: PASSWORD, attributes: { email: EMAIL } });
    standIn.setUserMfa(poolId, 'alice', { EMAIL_OTP: { enabled: true } });
    const res = await runAnswering(
      ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'],
      {
        first: [PASSWORD],
        steps: [
          { when: reading('EMAIL_OTP', 'the code sent by email to a***@e***'), answer: codeOf(poolId) },
        ],
      },
    );
    expect(signedIn(res).username).toBe('alice');
  });

  it('SOFTWARE_TOKEN_MFA: the authenticator code from COGAUTH_MFA_CODE', async () => {
    const { poolId, flags } = setUp({ mfa: 'OPTIONAL' });
    const secret = standIn.enrolTotp(poolId, 'alice');
    standIn.setUserMfa(poolId, 'alice', { SOFTWARE_TOKEN_MFA: { enabled: true } });
    const res = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
      input: PASSWORD,
      env: { COGAUTH_MFA_CODE: standIn.totpCode(secret) },
    });
    expect(signedIn(res).username).toBe('alice');
  });

  it('a wrong code from a variable is one line naming the challenge; no terminal and no source names them all', async () => {
    const { poolId, flags } = setUp({ mfa: 'OPTIONAL' });
    standIn.enrolTotp(poolId, 'alice');
    standIn.setUserMfa(poolId, 'alice', { SOFTWARE_TOKEN_MFA: { enabled: true } });
    const wrong = await runCli(['login', ...flags, '--password-stdin'], {
      input: PASSWORD,
      env: { COGAUTH_MFA_CODE: '000000' },
    });
    refused(
      wrong,
      1,
      /^cogauth: SOFTWARE_TOKEN_MFA challenge failed: Invalid code received for user \(CodeMismatchException\)$/,
    );
    const none = await runCli(['login', ...flags, '--password-stdin'], { input: PASSWORD });
    refused(
      none,
      2,
      /^cogauth: Cognito asks for SOFTWARE_TOKEN_MFA \(the code your authenticator app shows\): set COGAUTH_MFA_CODE, pass --codes-stdin \(one answer per line on stdin\), or run on a terminal$/,
    );
  });

  it.skipIf(!HAS_SCRIPT)(
    'on a terminal: a wrong code may be typed again, and no code is echoed',
    async () => {
      const { poolId, flags } = setUp({ mfa: 'OPTIONAL' });
      const secret = standIn.enrolTotp(poolId, 'alice');
      standIn.setUserMfa(poolId, 'alice', { SOFTWARE_TOKEN_MFA: { enabled: true } });
      let good = '';
      const { code, screen } = await runInPty(
        ['login', ...flags, '--print', 'access'],
        [
          ['Password for alice: ', PASSWORD],
          ['Authenticator code: ', '000000'],
          [
            'Authenticator code: ',
            () => {
              good = standIn.totpCode(secret);
              return good;
            },
          ],
        ],
      );
      expect(code).toBe(0);
      expect(screen).toContain('cogauth: that code was not accepted; try again');
      expect(screen).not.toContain(PASSWORD);
      expect(screen).not.toContain('000000');
      expect(screen).not.toContain(good);
      expect(claimsOf(screen.split(ERASE_LINE).at(-1)?.trim() ?? '').username).toBe('alice');
    },
  );
});

describe('SELECT_MFA_TYPE', () => {
  function twoFactors() {
    const setup = setUp({ mfa: 'OPTIONAL' }, { password: PASSWORD, attributes: { phone_number: PHONE } });
    const secret = standIn.enrolTotp(setup.poolId, 'alice');
    standIn.setUserMfa(setup.poolId, 'alice', {
      SMS_MFA: { enabled: true },
      SOFTWARE_TOKEN_MFA: { enabled: true },
    });
    return { ...setup, secret };
  }

  it('--mfa SOFTWARE_TOKEN_MFA chooses the authenticator; the code comes from COGAUTH_MFA_CODE', async () => {
    const { poolId, flags, secret } = twoFactors();
    const res = await runCli(
      ['login', ...flags, '--password-stdin', '--mfa', 'SOFTWARE_TOKEN_MFA', '--print', 'access'],
      {
        input: PASSWORD,
        env: { COGAUTH_MFA_CODE: standIn.totpCode(secret) },
      },
    );
    expect(signedIn(res).username).toBe('alice');
    expect(standIn.sentMessages(poolId, 'alice')).toEqual([]);
  });

  it('without --mfa and a terminal, one line names the choices; a factor not offered is refused', async () => {
    const { flags } = twoFactors();
    const none = await runCli(['login', ...flags, '--password-stdin'], { input: PASSWORD });
    refused(
      none,
      2,
      /^cogauth: Cognito asks which MFA to use \(SELECT_MFA_TYPE: SMS_MFA, SOFTWARE_TOKEN_MFA\): pass --mfa <name>$/,
    );
    const email = await runCli(['login', ...flags, '--password-stdin', '--mfa', 'email-otp'], {
      input: PASSWORD,
    });
    refused(
      email,
      2,
      /^cogauth: --mfa EMAIL_OTP: Cognito offers SMS_MFA, SOFTWARE_TOKEN_MFA for SELECT_MFA_TYPE$/,
    );
    const bad = await runCli(['login', ...flags, '--password-stdin', '--mfa', 'VOICE'], { input: PASSWORD });
    refused(bad, 2, /^cogauth: --mfa must be one of SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA \(got "VOICE"\)$/);
  });

  it.skipIf(!HAS_SCRIPT)('on a terminal: a menu, then the SMS code', async () => {
    const { poolId, flags } = twoFactors();
    const { code, screen } = await runInPty(
      ['login', ...flags, '--print', 'access'],
      [
        ['Password for alice: ', PASSWORD],
        ['Choice: ', '1'],
        ['Code sent by SMS to +*******0100: ', codeOf(poolId)],
      ],
    );
    expect(code).toBe(0);
    expect(screen).toContain('Cognito asks which MFA to use (SELECT_MFA_TYPE):');
    expect(screen).toContain('1) SMS_MFA: a code by SMS');
    expect(screen).toContain('2) SOFTWARE_TOKEN_MFA: a code from your authenticator app');
    expect(screen).not.toContain(standIn.lastCode(poolId, 'alice'));
  });
});

describe('MFA_SETUP (MFA required, none set up): enrol an authenticator app', () => {
  function mustSetUp() {
    return setUp({ mfa: 'ON', mfaFactors: ['SOFTWARE_TOKEN_MFA'] });
  }

  it.skipIf(!HAS_SCRIPT)(
    'on a terminal: the secret and the otpauth:// URI are shown, the first code typed',
    async () => {
      const { poolId, flags } = mustSetUp();
      let secret = '';
      const { code, screen } = await runInPty(
        ['login', ...flags, '--print', 'access'],
        [
          ['Password for alice: ', PASSWORD],
          [
            'Code from the app: ',
            (shown) => {
              secret = (/secret: ([A-Z2-7 ]+)\r?\n/.exec(shown)?.[1] ?? '').replace(/ /g, '');
              return standIn.totpCode(secret);
            },
          ],
        ],
      );
      expect(code).toBe(0);
      expect(secret).toMatch(/^[A-Z2-7]{32,}$/);
      const uri = `otpauth://totp/${poolId}:alice?secret=${secret}&issuer=${poolId}`;
      expect(screen).toContain(`or its URI: ${uri}\r\n  or scan it:\r\n`);
      // The QR code on the screen scans to the same URI.
      const drawn = screen
        .slice(screen.indexOf('or scan it:'))
        .split('\r\n')
        .filter((l) => l.includes('\u001b[30;47m'));
      expect(readQrLines(drawn)).toBe(uri);
      expect(claimsOf(screen.split(ERASE_LINE).at(-1)?.trim() ?? '').username).toBe('alice');
      // The authenticator is now the user's MFA: the next login asks for its code.
      const again = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
        input: PASSWORD,
        env: { COGAUTH_MFA_CODE: standIn.totpCode(secret, 1) },
      });
      expect(signedIn(again).username).toBe('alice');
    },
  );

  it('without a terminal: --totp-secret-file gets the URI (a new 0600 file), the code comes from stdin', async () => {
    const { flags } = mustSetUp();
    const file = join(TEST_HOME, `totp-${Date.now()}.uri`);
    const res = await runAnswering(
      [
        'login',
        ...flags,
        '--password-stdin',
        '--codes-stdin',
        '--totp-secret-file',
        file,
        '--print',
        'access',
      ],
      {
        first: [PASSWORD],
        steps: [
          {
            when: reading('MFA_SETUP', 'the code your authenticator app shows for the new account'),
            answer: () =>
              standIn.totpCode(new URL(readFileSync(file, 'utf8').trim()).searchParams.get('secret') ?? ''),
          },
        ],
      },
    );
    expect(res.stderr).toContain(
      `cogauth: MFA_SETUP: the new authenticator's otpauth:// URI (its secret) is in ${file}`,
    );
    expect(res.stderr).not.toMatch(/secret=/);
    expect(
      signedIn({ ...res, stderr: res.stderr.replace(/^cogauth: MFA_SETUP: the new .*\n/m, '') }).username,
    ).toBe('alice');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // An existing file is never overwritten.
    const second = await runCli(
      ['login', ...mustSetUp().flags, '--password-stdin', '--codes-stdin', '--totp-secret-file', file],
      {
        input: `${PASSWORD}\n`,
      },
    );
    refused(second, 2, /^cogauth: --totp-secret-file .*: exists \(it is never overwritten\)$/);
  });

  it('with neither a terminal nor --totp-secret-file it stops before Cognito creates a secret', async () => {
    const { flags } = mustSetUp();
    const before = standIn.calls().length;
    const res = await runCli(['login', ...flags, '--password-stdin', '--codes-stdin'], {
      input: `${PASSWORD}\n`,
    });
    refused(
      res,
      2,
      /^cogauth: Cognito asks to set up an authenticator app \(MFA_SETUP\), whose secret is shown only on a terminal: .*--totp-secret-file/,
    );
    expect(
      standIn
        .calls()
        .slice(before)
        .map((c) => c.operation),
    ).toEqual(['InitiateAuth', 'RespondToAuthChallenge']);
  });

  it('a pool that offers only SMS set-up is refused in one line with what to do', async () => {
    const { flags } = setUp({ mfa: 'ON', mfaFactors: ['SMS_MFA'] });
    const res = await runCli(['login', ...flags, '--password-stdin'], { input: PASSWORD });
    refused(
      res,
      1,
      /^cogauth: Cognito requires MFA set-up first \(MFA_SETUP, offering SMS_MFA\), and cogauth can only enrol an authenticator app/,
    );
  });
});

describe('NEW_PASSWORD_REQUIRED', () => {
  it('the new password from COGAUTH_NEW_PASSWORD; then it is the password', async () => {
    const { flags } = setUp({}, { password: PASSWORD, temporary: true });
    const res = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
      input: PASSWORD,
      env: { COGAUTH_NEW_PASSWORD: 'N3w-Passw0rd!' },
    });
    expect(signedIn(res).username).toBe('alice');
    const again = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
      input: 'N3w-Passw0rd!',
    });
    expect(signedIn(again).username).toBe('alice');
  });

  it('password and new password as two stdin lines (--password-stdin --codes-stdin); required attributes', async () => {
    const { flags } = setUp({ requiredAttributes: ['name'] }, { password: PASSWORD, temporary: true });
    const args = ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'];
    const missing = await runCli(args, { input: `${PASSWORD}\nN3w-Passw0rd!\n` });
    refused(
      missing,
      2,
      /^cogauth: NEW_PASSWORD_REQUIRED also needs the attributes name: pass --attribute name=value$/,
    );
    const res = await runCli([...args, '--attribute', 'name=Alice'], {
      input: `${PASSWORD}\nN3w-Passw0rd!\n`,
    });
    expect(signedIn(res).username).toBe('alice');
  });
});

describe('CUSTOM_CHALLENGE (CUSTOM_AUTH)', () => {
  function custom() {
    const setup = setUp();
    standIn.setCustomChallenge(setup.poolId, 'alice', {
      answer: '42',
      parameters: { question: 'six times seven?' },
    });
    return setup;
  }

  it('the answer from COGAUTH_CUSTOM_ANSWER, without a password', async () => {
    const { flags } = custom();
    const res = await runCli(['login', ...flags, '--auth-flow', 'CUSTOM_AUTH', '--print', 'access'], {
      env: { COGAUTH_CUSTOM_ANSWER: '42' },
    });
    expect(signedIn(res).username).toBe('alice');
  });

  it('after SRP when a password is given; the public challenge parameters are shown; the answer from stdin', async () => {
    const { flags } = custom();
    const res = await runAnswering(
      [
        'login',
        ...flags,
        '--auth-flow',
        'CUSTOM_AUTH',
        '--password-stdin',
        '--codes-stdin',
        '--print',
        'access',
      ],
      {
        first: [PASSWORD],
        steps: [
          { when: reading('CUSTOM_CHALLENGE', 'the answer to the custom challenge'), answer: () => '42' },
        ],
      },
    );
    expect(res.stderr).toContain('cogauth: CUSTOM_CHALLENGE question: six times seven?\n');
    expect(
      signedIn({ ...res, stderr: res.stderr.replace(/^cogauth: CUSTOM_CHALLENGE question.*\n/m, '') })
        .username,
    ).toBe('alice');
  });

  it('a wrong answer brings the challenge again, which the variable does not answer twice', async () => {
    const { flags } = custom();
    const res = await runCli(['login', ...flags, '--auth-flow', 'CUSTOM_AUTH'], {
      env: { COGAUTH_CUSTOM_ANSWER: '41' },
    });
    refused(
      res,
      1,
      /^cogauth: Cognito asks for CUSTOM_CHALLENGE again, and COGAUTH_CUSTOM_ANSWER answered it once already/,
    );
  });
});

describe('USER_AUTH (choice-based sign-in): SELECT_CHALLENGE, PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN', () => {
  const passkey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;

  /** alice may sign in with her password, a code by email or SMS, or a passkey. */
  function choiceBased() {
    const setup = setUp(
      { allowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP', 'SMS_OTP', 'WEB_AUTHN'] },
      {
        password: PASSWORD,
        attributes: {
          email: EMAIL,
          email_verified: 'true',
          phone_number: PHONE,
          phone_number_verified: 'true',
        },
      },
    );
    standIn.addPasskey(setup.poolId, 'alice', { credentialId: 'cred-1', publicKey: passkey });
    return setup;
  }

  it('--challenge EMAIL_OTP: a one-time code by email, no password at all', async () => {
    const { poolId, flags } = choiceBased();
    const res = await runAnswering(
      ['login', ...flags, '--challenge', 'EMAIL_OTP', '--codes-stdin', '--print', 'access'],
      {
        steps: [
          { when: reading('EMAIL_OTP', 'the code sent by email to a***@e***'), answer: codeOf(poolId) },
        ],
      },
    );
    expect(signedIn(res).username).toBe('alice');
    expect(standIn.sentMessages(poolId, 'alice').map((m) => [m.medium, m.purpose])).toEqual([
      ['EMAIL', 'SIGN_IN'],
    ]);
  });

  it('--challenge SMS_OTP: a one-time code by SMS', async () => {
    const { poolId, flags } = choiceBased();
    const res = await runAnswering(
      ['login', ...flags, '--challenge', 'sms-otp', '--codes-stdin', '--print', 'access'],
      {
        steps: [{ when: reading('SMS_OTP', 'the code sent by SMS to +*******0100'), answer: codeOf(poolId) }],
      },
    );
    expect(signedIn(res).username).toBe('alice');
  });

  it('SELECT_CHALLENGE without a terminal: PASSWORD_SRP when a password is given, so it never travels', async () => {
    const { poolId, clientId } = choiceBased();
    const proxy = await startRecordingProxy(standIn.endpoint);
    try {
      const flags = [
        '--endpoint',
        proxy.endpoint,
        '--user-pool-id',
        poolId,
        '--client-id',
        clientId,
        '-u',
        'alice',
        '--no-save',
      ];
      const res = await runCli(['login', ...flags, '--auth-flow', 'USER_AUTH', '--print', 'access'], {
        env: { COGAUTH_PASSWORD: PASSWORD },
      });
      expect(
        signedIn({ ...res, stderr: res.stderr.replace(/^cogauth: using endpoint .*\n/m, '') }).username,
      ).toBe('alice');
      const steps = proxy.requests.map((r) => [r.operation, r.body.ChallengeName ?? r.body.AuthFlow]);
      expect(steps).toEqual([
        ['InitiateAuth', 'USER_AUTH'],
        ['RespondToAuthChallenge', 'SELECT_CHALLENGE'],
        ['RespondToAuthChallenge', 'PASSWORD_VERIFIER'],
      ]);
      expect(proxy.requests[1]?.body.ChallengeResponses).toMatchObject({ ANSWER: 'PASSWORD_SRP' });
      for (const request of proxy.requests) expect(request.raw).not.toContain(PASSWORD);
    } finally {
      await proxy.close();
    }
  });

  it('--challenge PASSWORD sends the password itself (over TLS at AWS), as asked; PASSWORD_SRP only its proof', async () => {
    const { poolId, clientId } = choiceBased();
    const proxy = await startRecordingProxy(standIn.endpoint);
    try {
      const flags = [
        '--endpoint',
        proxy.endpoint,
        '--user-pool-id',
        poolId,
        '--client-id',
        clientId,
        '-u',
        'alice',
        '--no-save',
      ];
      const res = await runCli(
        ['login', ...flags, '--challenge', 'PASSWORD', '--password-stdin', '--print', 'access'],
        {
          input: PASSWORD,
        },
      );
      expect(res.code).toBe(0);
      expect(proxy.requests).toHaveLength(1);
      expect(proxy.requests[0]?.body.AuthParameters).toMatchObject({
        USERNAME: 'alice',
        PREFERRED_CHALLENGE: 'PASSWORD',
        PASSWORD,
      });
      // --challenge PASSWORD_SRP: SRP_A with the preferred challenge, then the proof; no password travels.
      const srp = await runCli(['login', ...flags, '--challenge', 'PASSWORD_SRP', '--print', 'access'], {
        env: { COGAUTH_PASSWORD: PASSWORD },
      });
      expect(srp.code).toBe(0);
      const srpRequests = proxy.requests.slice(1);
      expect(srpRequests.map((r) => r.body.ChallengeName ?? r.body.AuthFlow)).toEqual([
        'USER_AUTH',
        'PASSWORD_VERIFIER',
      ]);
      expect(srpRequests[0]?.body.AuthParameters).toMatchObject({
        PREFERRED_CHALLENGE: 'PASSWORD_SRP',
        SRP_A: expect.stringMatching(/^[0-9a-f]+$/),
      });
      for (const request of srpRequests) expect(request.raw).not.toContain(PASSWORD);
    } finally {
      await proxy.close();
    }
  });

  it('several factors, no terminal, no --challenge: one line names them; a factor not offered is refused', async () => {
    const { flags } = choiceBased();
    const res = await runCli(['login', ...flags, '--auth-flow', 'USER_AUTH']);
    refused(
      res,
      2,
      /^cogauth: Cognito asks how to sign in \(SELECT_CHALLENGE: PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP, WEB_AUTHN\): pass --challenge <name>$/,
    );
    const { poolId, clientId } = setUp({ allowedFirstAuthFactors: ['PASSWORD', 'EMAIL_OTP'] });
    const noEmail = [...standInFlags(standIn, poolId, clientId), '-u', 'alice'];
    const notOffered = await runCli(['login', ...noEmail, '--challenge', 'EMAIL_OTP']);
    refused(
      notOffered,
      2,
      /^cogauth: --challenge EMAIL_OTP: Cognito offers this user PASSWORD, PASSWORD_SRP \(SELECT_CHALLENGE\); choose one of those$/,
    );
  });

  it('WEB_AUTHN: a passkey needs a browser; the CLI says how, and --challenge WEB_AUTHN contacts nothing', async () => {
    const { flags } = choiceBased();
    const before = standIn.calls().length;
    const res = await runCli(['login', ...flags, '--challenge', 'WEB_AUTHN']);
    refused(
      res,
      2,
      /^cogauth: passkey sign-in \(WEB_AUTHN\) needs a browser: run "cogauth login --browser --domain <your pool domain>" \(Cognito's managed login offers passkeys\), or choose another first factor with --challenge PASSWORD_SRP, EMAIL_OTP or SMS_OTP$/,
    );
    expect(standIn.calls().length).toBe(before);
    // A user whose only first factor is a passkey gets the same answer after SELECT_CHALLENGE.
    const { poolId, clientId } = setUp({ allowedFirstAuthFactors: ['WEB_AUTHN'] }, {});
    standIn.addPasskey(poolId, 'alice', { credentialId: 'cred-1', publicKey: passkey });
    const only = await runCli([
      'login',
      ...standInFlags(standIn, poolId, clientId),
      '-u',
      'alice',
      '--auth-flow',
      'USER_AUTH',
    ]);
    refused(only, 2, /^cogauth: passkey sign-in \(WEB_AUTHN\) needs a browser/);
  });

  it.skipIf(!HAS_SCRIPT)(
    'on a terminal: a menu of the factors (SRP first); EMAIL_OTP chosen by name',
    async () => {
      const { poolId, flags } = choiceBased();
      const { code, screen } = await runInPty(
        ['login', ...flags, '--auth-flow', 'USER_AUTH', '--print', 'access'],
        [
          ['Choice: ', 'email_otp'],
          ['Code sent by email to a***@e***: ', codeOf(poolId)],
        ],
      );
      expect(code).toBe(0);
      expect(screen).toContain('How do you want to sign in (SELECT_CHALLENGE)?');
      expect(screen).toMatch(/1\) PASSWORD_SRP: password \(SRP[^\n]*\n\s*2\) PASSWORD: /);
      expect(screen).toContain('5) WEB_AUTHN: passkey (needs a browser: cogauth login --browser)');
      expect(screen).not.toContain(standIn.lastCode(poolId, 'alice'));
      expect(claimsOf(screen.split(ERASE_LINE).at(-1)?.trim() ?? '').username).toBe('alice');
    },
  );
});

describe('whether the email is verified (issue 23.7)', () => {
  it.skipIf(!HAS_SCRIPT)('login on a terminal and whoami say so, from the ID token', async () => {
    const { poolId, clientId } = setUp(
      {},
      { password: PASSWORD, attributes: { email: EMAIL, email_verified: 'true' } },
    );
    standIn.createUser(poolId, 'bob', {
      password: PASSWORD,
      attributes: { email: 'bob@example.com', email_verified: 'false' },
    });
    const envOf = (name: string) => ({
      XDG_STATE_HOME: join(TEST_HOME, `state-${name}-${Date.now()}`),
      NO_COLOR: '1',
    });
    const [aliceEnv, bobEnv] = [envOf('alice'), envOf('bob')];
    const flags = standInFlags(standIn, poolId, clientId);
    const alice = await runInPty(
      ['login', ...flags, '-u', 'alice'],
      [['Password for alice: ', PASSWORD]],
      20_000,
      aliceEnv,
    );
    expect(alice.code).toBe(0);
    expect(alice.screen).toMatch(/user: {5}alice\r?\nemail: {4}alice@example\.com \(verified\)\r?\ngroups:/);
    const bob = await runInPty(
      ['login', ...flags, '-u', 'bob'],
      [['Password for bob: ', PASSWORD]],
      20_000,
      bobEnv,
    );
    expect(bob.screen).toMatch(/email: {4}bob@example\.com \(not verified\)/);
    const whoami = await runCli(['whoami'], { env: bobEnv });
    expect(whoami.stdout).toMatch(/^user: {5}bob\nemail: {4}bob@example\.com \(not verified\)\n/);
    const json = JSON.parse((await runCli(['whoami', '--json'], { env: aliceEnv })).stdout);
    expect(json).toMatchObject({ username: 'alice', email: EMAIL, emailVerified: true });
  });
});

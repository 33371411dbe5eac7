import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cognitoTimestamp, g, k, N, padHex, SrpSession } from '../../src/srp.js';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });

import { type SrpDouble, startSrpDouble } from '../helpers/srp-double.js';

// The oracle: amazon-cognito-identity-js (dev dependency only), AWS's own SRP client.
interface JsbnBigInteger {
  toString(radix: number): string;
}
interface OracleHelper {
  N: JsbnBigInteger;
  g: JsbnBigInteger;
  k: JsbnBigInteger;
  smallAValue: JsbnBigInteger;
  largeAValue: JsbnBigInteger | undefined;
  padHex(value: JsbnBigInteger): string;
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    username: string,
    password: string,
    B: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (err: unknown, key: Uint8Array) => void,
  ): void;
}
const require = createRequire(import.meta.url);
const AuthenticationHelper: new (poolName: string) => OracleHelper =
  require('amazon-cognito-identity-js/lib/AuthenticationHelper.js').default;
const BigInteger: new (hex: string, radix: number) => JsbnBigInteger =
  require('amazon-cognito-identity-js/lib/BigInteger.js').default;
const DateHelper: new () => { getNowString(): string } =
  require('amazon-cognito-identity-js/lib/DateHelper.js').default;
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require('amazon-cognito-identity-js') as {
  AuthenticationDetails: new (data: { Username: string; Password: string }) => unknown;
  CognitoUserPool: new (data: { UserPoolId: string; ClientId: string; endpoint: string }) => unknown;
  CognitoUser: new (data: {
    Username: string;
    Pool: unknown;
  }) => {
    setAuthenticationFlowType(flow: string): void;
    authenticateUser(
      details: unknown,
      callbacks: { onSuccess(s: unknown): void; onFailure(e: unknown): void },
    ): void;
  };
};

// Fixed secrets for known-answer tests (any values in range work; these are arbitrary).
const A_SMALL =
  'a3f1c2d4e5b60718293a4b5c6d7e8f90112233445566778899aabbccddeeff00' +
  '0f1e2d3c4b5a69788796a5b4c3d2e1f00123456789abcdef0fedcba987654321'.repeat(3);
const SALT = '8f2d6a1c9b3e4f5061728394a5b6c7d8';
const B_SERVER = 0x1f3c5e7a9b0d2f4e6a8c0e2f4a6c8e0f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1bn * 0xfedcba9876543210n;
const SECRET_BLOCK = Buffer.from('a fixed secret block standing in for Cognito opaque data').toString(
  'base64',
);
const POOL_ID = 'us-east-1_SrpPool77';
const CLIENT_ID = 'srpclient0123456789abcdefgh';

function oracleKey(
  helper: OracleHelper,
  username: string,
  password: string,
  B: bigint,
  salt: string,
): Buffer {
  let out: Buffer | undefined;
  helper.getPasswordAuthenticationKey(
    username,
    password,
    new BigInteger(B.toString(16), 16),
    new BigInteger(salt, 16),
    (err, key) => {
      if (err) throw err;
      out = Buffer.from(key);
    },
  );
  if (!out) throw new Error('oracle did not answer synchronously');
  return out;
}

function oracleWithA(poolName: string, aHex: string): OracleHelper {
  const helper = new AuthenticationHelper(poolName);
  helper.smallAValue = new BigInteger(aHex, 16);
  helper.largeAValue = undefined;
  helper.getLargeAValue(() => {});
  return helper;
}

describe('SRP constants and encoding match amazon-cognito-identity-js', () => {
  const helper = new AuthenticationHelper('SrpPool77');

  it('uses the same N, g and k = H(N | PAD(g))', () => {
    expect(N.toString(16)).toBe(helper.N.toString(16));
    expect(N.toString(2).length).toBe(3072);
    expect(g.toString(16)).toBe(helper.g.toString(16));
    expect(k.toString(16)).toBe(helper.k.toString(16));
  });

  it('pads hex like Java BigInteger.toByteArray()', () => {
    for (const hex of ['1', 'f', '7f', '80', 'ff', '100', '8000', '0abc', 'deadbeef', N.toString(16)]) {
      const value = BigInt(`0x${hex}`);
      expect(padHex(value), hex).toBe(helper.padHex(new BigInteger(hex, 16)));
    }
    expect(padHex(0x80n)).toBe('0080');
    expect(padHex(0x7fn)).toBe('7f');
  });

  it('formats TIMESTAMP like the oracle, day of month unpadded', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2025, 10, 4, 9, 3, 7) });
    try {
      expect(cognitoTimestamp(new Date())).toBe('Tue Nov 4 09:03:07 UTC 2025');
      expect(cognitoTimestamp(new Date())).toBe(new DateHelper().getNowString());
    } finally {
      vi.useRealTimers();
    }
    expect(cognitoTimestamp(new Date(Date.UTC(2026, 0, 31, 23, 5, 9)))).toBe('Sat Jan 31 23:05:09 UTC 2026');
  });
});

describe('SRP known answers against the oracle (fixed a, salt, B)', () => {
  it('computes the same A and the same HKDF password key', () => {
    const helper = oracleWithA('SrpPool77', A_SMALL);
    const mine = new SrpSession(POOL_ID, BigInt(`0x${A_SMALL}`));
    expect(mine.srpA).toBe(helper.largeAValue?.toString(16));
    const theirs = oracleKey(helper, 'alice-id', 'Corr3ct horse!', B_SERVER, SALT);
    const ours = mine.passwordKey('alice-id', 'Corr3ct horse!', BigInt(`0x${SALT}`), B_SERVER);
    expect(ours.length).toBe(16);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('gets a different key for a different password or username (the proof binds both)', () => {
    const mine = new SrpSession(POOL_ID, BigInt(`0x${A_SMALL}`));
    const right = mine.passwordKey('alice-id', 'Corr3ct horse!', BigInt(`0x${SALT}`), B_SERVER);
    expect(mine.passwordKey('alice-id', 'wrong', BigInt(`0x${SALT}`), B_SERVER).equals(right)).toBe(false);
    expect(mine.passwordKey('bob-id', 'Corr3ct horse!', BigInt(`0x${SALT}`), B_SERVER).equals(right)).toBe(
      false,
    );
  });

  it('refuses a server B that is 0 mod N', () => {
    const mine = new SrpSession(POOL_ID, 5n);
    expect(() => mine.passwordKey('alice-id', 'pw', 1n, N)).toThrow(/B = 0 mod N/);
    expect(() => mine.passwordKey('alice-id', 'pw', 1n, 0n)).toThrow(/B = 0 mod N/);
  });
});

describe('PASSWORD_CLAIM_SIGNATURE equals the oracle end to end', () => {
  let double: SrpDouble;
  const fixedB = 0x5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eedn;
  const when = Date.UTC(2025, 10, 4, 9, 3, 7);

  beforeAll(async () => {
    double = await startSrpDouble({
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      users: [{ username: 'alice-id', aliases: ['alice@example.com'], password: 'Corr3ct horse!' }],
      b: fixedB,
      salt: SALT,
      secretBlock: SECRET_BLOCK,
      now: () => new Date(when),
    });
  });
  afterAll(async () => {
    await double?.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('for fixed a, salt, B, secret block and timestamp both clients send the same signature', async () => {
    // Drive AWS's client through a whole USER_SRP_AUTH login against the double, with `a` injected.
    const helperProto = (
      AuthenticationHelper as unknown as { prototype: { generateRandomSmallA(): unknown } }
    ).prototype;
    vi.spyOn(helperProto, 'generateRandomSmallA').mockImplementation(() => new BigInteger(A_SMALL, 16));
    vi.useFakeTimers({ toFake: ['Date'], now: when });
    const pool = new CognitoUserPool({
      UserPoolId: POOL_ID,
      ClientId: CLIENT_ID,
      endpoint: `${double.endpoint}/`,
    });
    const user = new CognitoUser({ Username: 'alice@example.com', Pool: pool });
    user.setAuthenticationFlowType('USER_SRP_AUTH');
    const before = double.successes;
    await new Promise<void>((resolve, reject) => {
      user.authenticateUser(
        new AuthenticationDetails({ Username: 'alice@example.com', Password: 'Corr3ct horse!' }),
        {
          onSuccess: () => resolve(),
          onFailure: reject,
        },
      );
    });
    // The double verified the oracle's proof: the double's server math is right.
    expect(double.successes).toBe(before + 1);
    const sent = double.requests.filter((r) => r.target.endsWith('RespondToAuthChallenge')).at(-1);
    const responses = sent?.body.ChallengeResponses as Record<string, string>;
    expect(responses.TIMESTAMP).toBe('Tue Nov 4 09:03:07 UTC 2025');
    expect(responses.USERNAME).toBe('alice-id');
    const init = double.requests.filter((r) => r.target.endsWith('.InitiateAuth')).at(-1);
    const challenge = init?.response as { ChallengeParameters: Record<string, string> };

    const ours = new SrpSession(POOL_ID, BigInt(`0x${A_SMALL}`)).respond({
      userIdForSrp: 'alice-id',
      password: 'Corr3ct horse!',
      salt: SALT,
      srpB: String(challenge.ChallengeParameters.SRP_B),
      secretBlock: SECRET_BLOCK,
      now: new Date(when),
    });
    expect(ours.timestamp).toBe(responses.TIMESTAMP);
    expect(ours.signature).toBe(responses.PASSWORD_CLAIM_SIGNATURE);
  });
});

describe('cogauth login runs USER_SRP_AUTH end to end against the server double', () => {
  let double: SrpDouble;
  const secret = 'double-client-secret-0123456789';

  beforeAll(async () => {
    double = await startSrpDouble({
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      clientSecret: secret,
      users: [
        {
          username: 'alice-id',
          aliases: ['alice@example.com'],
          password: 'Corr3ct horse!',
          attributes: { email: 'alice@example.com', email_verified: 'true' },
        },
      ],
    });
  });
  afterAll(async () => {
    await double?.close();
  });

  const base = () => [
    'login',
    '--endpoint',
    double.endpoint,
    '--user-pool-id',
    POOL_ID,
    '--client-id',
    CLIENT_ID,
    '--client-secret',
    secret,
  ];

  it('logs in with an alias: default auth flow is SRP, proof and SECRET_HASH use USER_ID_FOR_SRP', async () => {
    const before = double.successes;
    const res = await runCli([...base(), '-u', 'alice@example.com', '--password-stdin'], {
      input: 'Corr3ct horse!\n',
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    // piped: the bare access token, issued to the real username
    const token = res.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).username).toBe(
      'alice-id',
    );
    expect(double.successes).toBe(before + 1);
    const init = double.requests.filter((r) => r.target.endsWith('.InitiateAuth')).at(-1);
    expect(init?.body.AuthFlow).toBe('USER_SRP_AUTH');
    const params = init?.body.AuthParameters as Record<string, string>;
    expect(params.PASSWORD).toBeUndefined();
    expect(params.SRP_A).toMatch(/^[0-9a-f]+$/);
  });

  it('prints JSON with all tokens', async () => {
    const res = await runCli([...base(), '-u', 'alice-id', '--password', 'Corr3ct horse!', '--json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.username).toBe('alice-id');
    expect(out.attributes).toEqual({ email: 'alice@example.com', email_verified: 'true' });
    expect(out.tokens.accessToken.split('.')).toHaveLength(3);
    expect(out.tokens.idToken.split('.')).toHaveLength(3);
    expect(out.tokens.refreshToken).toMatch(/^refresh-/);
    expect(out.tokens.expiresIn).toBe(3600);
  });

  it('a wrong password fails the proof: one line, exit 1, nothing on stdout', async () => {
    const res = await runCli([...base(), '-u', 'alice-id', '--password-stdin'], {
      input: 'not the password\n',
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /^cogauth: PASSWORD_VERIFIER challenge failed: Incorrect username or password\. \(NotAuthorizedException\)\n$/,
    );
  });

  it('a wrong client secret is refused by the server (SECRET_HASH is really checked)', async () => {
    const args = base();
    args[args.indexOf(secret)] = 'not-the-secret';
    const res = await runCli([...args, '-u', 'alice-id', '--password', 'Corr3ct horse!']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Unable to verify secret hash/);
  });

  it('without a pool id SRP cannot run and says so', async () => {
    const res = await runCli([
      'login',
      '--endpoint',
      double.endpoint,
      '--client-id',
      CLIENT_ID,
      '-u',
      'alice-id',
      '--password',
      'x',
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/USER_SRP_AUTH needs --user-pool-id/);
  });
});

describe('challenges after the password proof (server double)', () => {
  let mfa: SrpDouble;
  let sms: SrpDouble;
  const users = [{ username: 'alice-id', aliases: ['alice@example.com'], password: 'Corr3ct horse!' }];
  const secret = 'mfa-client-secret';

  beforeAll(async () => {
    mfa = await startSrpDouble({
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      clientSecret: secret,
      users,
      totpCode: '123456',
    });
    sms = await startSrpDouble({
      userPoolId: POOL_ID,
      clientId: CLIENT_ID,
      users,
      otherChallenge: 'SOME_FUTURE_CHALLENGE',
    });
  });
  afterAll(async () => {
    await mfa?.close();
    await sms?.close();
  });

  const args = (endpoint: string, ...extra: string[]) => [
    'login',
    '--endpoint',
    endpoint,
    '--user-pool-id',
    POOL_ID,
    '--client-id',
    CLIENT_ID,
    '-u',
    'alice@example.com',
    '--password-stdin',
    ...extra,
  ];

  it('SOFTWARE_TOKEN_MFA is answered with --totp-code, as the real username with its SECRET_HASH', async () => {
    const res = await runCli(
      [...args(mfa.endpoint, '--totp-code', '123456', '--print', 'access'), '--client-secret', secret],
      {
        input: 'Corr3ct horse!',
      },
    );
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split('.')).toHaveLength(3);
    const answer = mfa.requests.filter((r) => r.target.endsWith('RespondToAuthChallenge')).at(-1);
    expect(answer?.body.ChallengeName).toBe('SOFTWARE_TOKEN_MFA');
    expect(answer?.body.ChallengeResponses).toMatchObject({ USERNAME: 'alice-id' });
  });

  it('a wrong TOTP code fails in one line; no code and no terminal names the flag', async () => {
    const wrong = await runCli([...args(mfa.endpoint, '--totp-code', '000000'), '--client-secret', secret], {
      input: 'Corr3ct horse!',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(
      'cogauth: SOFTWARE_TOKEN_MFA challenge failed: Invalid code received for user (CodeMismatchException)\n',
    );
    const none = await runCli([...args(mfa.endpoint), '--client-secret', secret], {
      input: 'Corr3ct horse!',
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'cogauth: Cognito asks for SOFTWARE_TOKEN_MFA (the code your authenticator app shows): set COGAUTH_MFA_CODE, ' +
        'pass --codes-stdin (one answer per line on stdin), or run on a terminal\n',
    );
  });

  it('a challenge the CLI does not know is named in one line, with those it answers', async () => {
    const res = await runCli(args(sms.endpoint), { input: 'Corr3ct horse!' });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /^cogauth: Cognito asked for the SOME_FUTURE_CHALLENGE challenge, which cogauth does not answer \(it answers PASSWORD_VERIFIER, .*DEVICE_PASSWORD_VERIFIER\)\n$/,
    );
  });
});

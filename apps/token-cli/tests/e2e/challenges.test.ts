// Every challenge `cogauth login` answers, run by the built CLI against the Cognito stand-in
// (@cogauth/test-fixtures: the flows follow the Cognito API reference field by field). Answers come from
// their COGAUTH_* variable, from stdin lines (--codes-stdin, written once the CLI says it waits), or from
// a pseudo-terminal; each refusal is one line naming the challenge.
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';
import { runCli } from '../helpers/run-cli.js';
import { runAnswering, standInFlags } from '../helpers/standin-cli.js';

const PASSWORD = 'Corr3ct-horse!';
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

/** A pool, a client with the flows the tests use, and one user. */
function setUp(
  pool: Parameters<CognitoStandIn['createPool']>[0] = {},
  user: Parameters<CognitoStandIn['createUser']>[2] = { password: PASSWORD },
) {
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
function signedIn(res: { code: number | null; stdout: string; stderr: string }): Record<string, unknown> {
  expect(otherLines(res.stderr)).toEqual([]);
  expect(res.code).toBe(0);
  const token = res.stdout.trim();
  expect(token.split('.')).toHaveLength(3);
  return claimsOf(token);
}

describe('PASSWORD_VERIFIER (USER_SRP_AUTH)', () => {
  it('the SRP proof signs the user in; the password never leaves the machine', async () => {
    const { flags } = setUp();
    const res = await runCli(['login', ...flags, '--password-stdin', '--print', 'access'], {
      input: PASSWORD,
    });
    expect(signedIn(res).username).toBe('alice');
  });
});

describe('SMS_MFA', () => {
  it('the code sent by SMS, from a stdin line written once the CLI says it waits for it', async () => {
    const { poolId, flags } = setUp(
      { mfa: 'OPTIONAL' },
      { password: PASSWORD, attributes: { phone_number: '+15555550100' } },
    );
    standIn.setUserMfa(poolId, 'alice', { SMS_MFA: { enabled: true } });
    const res = await runAnswering(
      ['login', ...flags, '--password-stdin', '--codes-stdin', '--print', 'access'],
      {
        first: [PASSWORD],
        steps: [
          {
            when: 'cogauth: SMS_MFA: reading the code sent by SMS to +*******0100 from stdin',
            answer: () => standIn.lastCode(poolId, 'alice'),
          },
        ],
      },
    );
    expect(signedIn(res).username).toBe('alice');
  });
});

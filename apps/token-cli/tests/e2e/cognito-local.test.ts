// End to end: the built `cogauth` binary against a real cognito-local emulator.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CognitoLocal,
  type CognitoPool,
  cognitoAccessClaims,
  freePort,
  generateTestKey,
  signJwt,
  startCognitoLocal,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SCRIPT, runInPty } from '../helpers/pty.js';
import { type CliResult, type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });

const RULES = [
  { route: 'GET /messages' },
  { route: 'POST /messages', groups: ['writers'] },
  { route: 'DELETE /messages/{id}', groups: ['admin'] },
  { route: 'GET /me' },
];

const ERASE_LINE = '\u001b[2K';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

let cognito: CognitoLocal;
let pool: CognitoPool;
let clientId: string;
let dir: string;
let rulesFile: string;

function poolFlags(): string[] {
  return ['--endpoint', cognito.endpoint, '--user-pool-id', pool.poolId, '--client-id', clientId];
}

function login(username: string, password: string, ...extra: string[]): Promise<CliResult> {
  return runCli(
    [
      'login',
      ...poolFlags(),
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '-u',
      username,
      '--password-stdin',
      ...extra,
    ],
    { input: `${password}\n` },
  );
}

function expectOneLineError(res: CliResult, pattern: RegExp): void {
  expect(res.code).not.toBe(0);
  expect(res.stdout).toBe('');
  expect(res.stderr).toMatch(pattern);
  expect(res.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(res.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogauth-cli-e2e-'));
  rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(RULES));
  cognito = await startCognitoLocal();
  pool = await cognito.createPool('cli-e2e');
  ({ clientId } = await cognito.createClient(pool.poolId, { name: 'cli' }));
  await cognito.createUser(pool.poolId, 'alice', 'Alice-Passw0rd!', {
    groups: ['writers'],
    email: 'alice@example.com',
  });
  await cognito.createUser(pool.poolId, 'bob', 'Bob-Passw0rd!');
  await cognito.createUser(pool.poolId, 'carol', 'Temp-Passw0rd!', { permanent: false });
  await cognito.createUser(pool.poolId, 'dave', 'Temp-Passw0rd!', { permanent: false });
  await cognito.createUser(pool.poolId, 'erin', 'Temp-Passw0rd!', { permanent: false });
});

afterAll(async () => {
  await cognito?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('login (USER_PASSWORD_AUTH) against cognito-local', () => {
  it('piped, prints the bare access token, and nothing on stderr', async () => {
    const res = await login('alice', 'Alice-Passw0rd!');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const payload = JSON.parse(Buffer.from(res.stdout.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.iss).toBe(pool.issuer);
    expect(payload.token_use).toBe('access');
  });

  it('--json prints username, attributes and all tokens', async () => {
    const res = await login('alice', 'Alice-Passw0rd!', '--json');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.username).toBe('alice');
    expect(out.attributes.email).toBe('alice@example.com');
    expect(out.attributes.email_verified).toBe('true');
    expect(Object.keys(out.tokens).sort()).toEqual(['accessToken', 'expiresIn', 'idToken', 'refreshToken']);
    expect(out.tokens.accessToken.split('.')).toHaveLength(3);
    expect(out.tokens.idToken.split('.')).toHaveLength(3);
    expect(typeof out.tokens.refreshToken).toBe('string');
    // cognito-local omits ExpiresIn: the CLI reports the access token's lifetime (24 h there)
    expect(out.tokens.expiresIn).toBe(86400);
  });

  it('--print access|id|refresh|header prints exactly that value', async () => {
    const [access, id, refresh, header] = await Promise.all(
      ['access', 'id', 'refresh', 'header'].map((what) => login('alice', 'Alice-Passw0rd!', '--print', what)),
    );
    for (const res of [access, id, refresh, header]) {
      expect(res?.code).toBe(0);
      expect(res?.stderr).toBe('');
      expect(res?.stdout.split('\n')).toHaveLength(2);
    }
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
    expect(claims(access?.stdout.trim() ?? '').token_use).toBe('access');
    expect(claims(id?.stdout.trim() ?? '').token_use).toBe('id');
    expect(claims(id?.stdout.trim() ?? '')['cognito:username']).toBe('alice');
    expect(refresh?.stdout.trim()).not.toBe('');
    expect(refresh?.stdout.trim()).not.toContain(' ');
    expect(header?.stdout).toMatch(/^Authorization: Bearer [\w-]+\.[\w-]+\.[\w-]+\n$/);
  });

  it('a wrong password: one line naming the failure, exit 1, no stack trace', async () => {
    const res = await login('alice', 'not-her-password');
    // Cognito says NotAuthorizedException; cognito-local says InvalidPasswordException
    expectOneLineError(
      res,
      /^cogauth: login failed: .*\((NotAuthorizedException|InvalidPasswordException)\)\n$/,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).not.toContain('not-her-password');
  });

  it('an unknown user: one line, exit 1', async () => {
    const res = await login('nobody', 'Whatever-1!');
    expectOneLineError(res, /^cogauth: login failed: .*\((UserNotFoundException|NotAuthorizedException)\)/);
    expect(res.code).toBe(1);
  });

  it('no password source and no terminal: a usage error instead of hanging', async () => {
    const res = await runCli(['login', ...poolFlags(), '--auth-flow', 'USER_PASSWORD_AUTH', '-u', 'alice']);
    expectOneLineError(res, /stdin is not a terminal.*--password-stdin/);
    expect(res.code).toBe(2);
  });
});

describe('NEW_PASSWORD_REQUIRED', () => {
  it('--new-password answers the challenge, then the new password works', async () => {
    const first = await login(
      'carol',
      'Temp-Passw0rd!',
      '--new-password',
      'Carols-New-Passw0rd!',
      '--print',
      'access',
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('.')).toHaveLength(3);
    const again = await login('carol', 'Carols-New-Passw0rd!', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).username).toBe('carol');
    const old = await login('carol', 'Temp-Passw0rd!');
    expect(old.code).toBe(1);
  });

  it('without a new password (and no terminal) it names the challenge and where the answer may come from', async () => {
    const res = await login('dave', 'Temp-Passw0rd!');
    expectOneLineError(
      res,
      /Cognito asks for NEW_PASSWORD_REQUIRED .*: set COGAUTH_NEW_PASSWORD, pass --codes-stdin/,
    );
  });
});

describe.skipIf(!HAS_SCRIPT)('on a terminal (util-linux script provides the pty)', () => {
  it('prompts for username and password without echoing the password; the spinner shows', async () => {
    const { code, screen } = await runInPty(
      ['login', ...poolFlags(), '--auth-flow', 'USER_PASSWORD_AUTH'],
      [
        ['Username: ', 'bob'],
        ['Password for bob: ', 'Bob-Passw0rd!'],
      ],
    );
    expect(code).toBe(0);
    expect(screen).not.toContain('Bob-Passw0rd!');
    expect(screen).toContain('Logging in bob');
    // on a terminal: who logged in and where the session went, after the spinner's erase-line sequence
    const summary = screen.split(ERASE_LINE).at(-1) ?? '';
    expect(summary.startsWith(`user:     ${BOLD}bob${RESET}`)).toBe(true);
    expect(summary).toMatch(
      /\r?\nsession: {2}saved to \S+default\.json; "cogauth token" prints a fresh token\r?\n$/,
    );
    expect(summary).not.toMatch(/[\w-]{20,}\.[\w-]{20,}\./);
  });

  it('NEW_PASSWORD_REQUIRED prompts twice for the new password, never echoing any of them', async () => {
    const { code, screen } = await runInPty(
      ['login', ...poolFlags(), '--auth-flow', 'USER_PASSWORD_AUTH', '-u', 'erin', '--print', 'access'],
      [
        ['Password for erin: ', 'Temp-Passw0rd!'],
        ['New password: ', 'Erins-New-Passw0rd!'],
        ['New password again: ', 'Erins-New-Passw0rd!'],
      ],
    );
    expect(code).toBe(0);
    expect(screen).not.toContain('Passw0rd!');
    expect(screen).toContain('New password again: ');
    expect(screen.split(ERASE_LINE).at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\r?\n$/);
    const again = await login('erin', 'Erins-New-Passw0rd!', '--print', 'access');
    expect(again.code).toBe(0);
  });
});

describe('refresh, verify and decode of the printed tokens', () => {
  let tokens: { accessToken: string; idToken: string; refreshToken: string };

  beforeAll(async () => {
    const res = await login('alice', 'Alice-Passw0rd!', '--json');
    tokens = JSON.parse(res.stdout).tokens;
  });

  it('verify: valid, claims and expiry printed, exit 0 (issuer http://127.0.0.1:<port>/<poolId>)', async () => {
    const res = await runCli(['verify', ...poolFlags(), '--token-use', 'access', tokens.accessToken]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^valid access token\n/);
    expect(res.stdout).toContain('"username": "alice"');
    expect(res.stdout).toMatch(/expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(in \d+h \d+m \d+s\)/);
  });

  it('verify --json from stdin with explicit --issuer and --jwks-uri', async () => {
    const res = await runCli(
      [
        'verify',
        '--user-pool-id',
        pool.poolId,
        '--client-id',
        clientId,
        '--issuer',
        pool.issuer,
        '--jwks-uri',
        pool.jwksUri,
        '--token-use',
        'id',
        '--json',
      ],
      { input: `Bearer ${tokens.idToken}\n` },
    );
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.valid).toBe(true);
    expect(out.claims.iss).toBe(pool.issuer);
    expect(out.claims.token_use).toBe('id');
    expect(out.claims.aud).toBe(clientId);
    expect(out.expiresInSeconds).toBeGreaterThan(3600);
    expect(new Date(out.expiresAt).getTime()).toBe(out.claims.exp * 1000);
  });

  it('verify refuses the wrong token_use, the wrong client and the wrong issuer with the error code, exit 1', async () => {
    const use = await runCli(['verify', ...poolFlags(), '--token-use', 'access', tokens.idToken]);
    expectOneLineError(use, /^cogauth: invalid token: TOKEN_USE_INVALID: /);
    expect(use.code).toBe(1);
    const client = await runCli([
      'verify',
      ...poolFlags(),
      '--client-id',
      'someotherclient',
      tokens.accessToken,
    ]);
    expectOneLineError(client, /^cogauth: invalid token: AUDIENCE_INVALID: /);
    const issuer = await runCli([
      'verify',
      ...poolFlags(),
      '--issuer',
      `${cognito.endpoint}/local_other`,
      '--jwks-uri',
      pool.jwksUri,
      tokens.accessToken,
    ]);
    expectOneLineError(issuer, /^cogauth: invalid token: ISSUER_INVALID: /);
    const json = await runCli(['verify', ...poolFlags(), '--token-use', 'id', '--json', tokens.accessToken]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: false, code: 'TOKEN_USE_INVALID' });
  });

  it('verify refuses a token with a forged signature', async () => {
    const forged = signJwt(
      cognitoAccessClaims({ issuer: pool.issuer, clientId, username: 'alice' }),
      generateTestKey({ kid: 'CognitoLocal' }),
    );
    const res = await runCli(['verify', ...poolFlags(), forged]);
    expectOneLineError(res, /^cogauth: invalid token: SIGNATURE_INVALID: /);
  });

  it('decode prints header and payload, labelled unverified', async () => {
    const human = await runCli(['decode', tokens.accessToken]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^UNVERIFIED: signature, issuer and expiry were NOT checked/);
    expect(human.stdout).toContain('"kid": "CognitoLocal"');
    const json = await runCli(['decode', '--json'], { input: tokens.accessToken });
    const out = JSON.parse(json.stdout);
    expect(out.verified).toBe(false);
    expect(out.header.alg).toBe('RS256');
    expect(out.payload.username).toBe('alice');
    const bad = await runCli(['decode', 'not-a-jwt']);
    expectOneLineError(bad, /^cogauth: cannot decode: TOKEN_MALFORMED/);
  });

  it('refresh (REFRESH_TOKEN_AUTH) returns a new access token that verifies', async () => {
    const res = await runCli(['refresh', ...poolFlags(), '--print', 'access'], {
      input: tokens.refreshToken,
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const access = res.stdout.trim();
    expect(access.split('.')).toHaveLength(3);
    const verified = await runCli(['verify', ...poolFlags(), '--token-use', 'access', '--json', access]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout).claims.username).toBe('alice');
    const json = await runCli(['refresh', ...poolFlags(), '--json', tokens.refreshToken]);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.username).toBe('alice');
    expect(out.tokens.refreshToken).toBe(tokens.refreshToken);
  });

  it('refresh with a bogus refresh token fails in one line', async () => {
    const res = await runCli(['refresh', ...poolFlags(), 'definitely-not-a-refresh-token']);
    expectOneLineError(res, /^cogauth: refresh failed: /);
  });
});

describe('check runs the real authorizer on a REST TOKEN event', () => {
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    [alice, bob] = (
      await Promise.all([
        login('alice', 'Alice-Passw0rd!', '--print', 'access'),
        login('bob', 'Bob-Passw0rd!', '--print', 'access'),
      ])
    ).map((r) => r.stdout.trim()) as [string, string];
  });

  it('allows a writer to POST /messages: exit 0, permitted routes and the Allow policy', async () => {
    const res = await runCli([
      'check',
      ...poolFlags(),
      '--rules',
      rulesFile,
      '--route',
      'POST /messages',
      '--json',
      alice,
    ]);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.decision).toBe('Allow');
    expect(out.status).toBe(200);
    expect(out.reason).toBe('ALLOWED');
    expect(out.permittedRoutes).toEqual(['GET /messages', 'POST /messages', 'GET /me']);
    const allow = out.policyDocument.Statement.find((s: { Effect: string }) => s.Effect === 'Allow');
    expect(allow.Resource).toContain(
      'arn:aws:execute-api:us-east-1:123456789012:cogauthcheck/local/POST/messages',
    );
    expect(allow.Resource.some((r: string) => r.includes('DELETE'))).toBe(false);
    expect(out.context.username).toBe('alice');
  });

  it('denies bob (no group) with 403, names the rule and what it needs, lists his routes', async () => {
    const res = await runCli([
      'check',
      ...poolFlags(),
      '--rules',
      rulesFile,
      '--route',
      'POST /messages',
      bob,
    ]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^decision: 403 Forbidden \(Deny\)\nreason: {3}ROUTE_NOT_PERMITTED\n/);
    expect(res.stdout).toContain('POST /messages  needs group writers');
    expect(res.stdout).toContain('token has: groups []');
    expect(res.stdout).toMatch(/routes this token may call:\n {2}GET \/messages\n {2}GET \/me\n/);
    expect(res.stdout).toContain('"Effect": "Deny"');
    const json = JSON.parse(
      (
        await runCli([
          'check',
          ...poolFlags(),
          '--rules',
          rulesFile,
          '--route',
          'DELETE /messages/42',
          '--json',
          bob,
        ])
      ).stdout,
    );
    expect(json.status).toBe(403);
    expect(json.matchingRules).toEqual([{ route: 'DELETE /messages/{id}', groups: ['admin'] }]);
  });

  it('answers 401 with the verifier reason for a forged token, and prints no policy', async () => {
    const forged = signJwt(
      cognitoAccessClaims({ issuer: pool.issuer, clientId, username: 'mallory', groups: ['writers'] }),
      generateTestKey({ kid: 'CognitoLocal' }),
    );
    const res = await runCli([
      'check',
      ...poolFlags(),
      '--rules',
      rulesFile,
      '--route',
      'POST /messages',
      forged,
    ]);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^decision: 401 Unauthorized\nreason: {3}SIGNATURE_INVALID\n/);
    expect(res.stdout).toContain('policy document: none');
    expect(res.stdout).toContain('routes this token may call: none');
  });

  it('bad rules are a config error naming the rule', async () => {
    const badRules = join(dir, 'bad-rules.json');
    writeFileSync(
      badRules,
      JSON.stringify([{ route: 'GET /messages' }, { route: 'POST /messages', group: ['x'] }]),
    );
    const res = await runCli([
      'check',
      ...poolFlags(),
      '--rules',
      badRules,
      '--route',
      'POST /messages',
      alice,
    ]);
    expectOneLineError(res, /^cogauth: config error: rules\[1\]/);
    expect(res.code).toBe(2);
  });
});

describe('configuration file, profiles and environment end to end', () => {
  it('a profile in the user config file, rules from the project file up the tree', async () => {
    const project = join(dir, 'project');
    const nested = join(project, 'src', 'deep');
    const xdg = join(dir, 'xdg');
    mkdirSync(nested, { recursive: true });
    mkdirSync(join(xdg, 'cogauth'), { recursive: true });
    writeFileSync(
      join(xdg, 'cogauth', 'config.yaml'),
      [
        'defaultProfile: broken',
        'profiles:',
        '  local:',
        `    endpoint: ${cognito.endpoint}`,
        `    userPoolId: ${pool.poolId}`,
        `    clientId: ${clientId}`,
        '    authFlow: USER_PASSWORD_AUTH',
        '  broken:',
        '    endpoint: http://127.0.0.1:1',
        '',
      ].join('\n'),
    );
    writeFileSync(join(project, 'cogauth.config.yaml'), 'rules: ../rules.json\n');
    const env = { XDG_CONFIG_HOME: xdg };
    const res = await runRaw(
      ['login', '--profile', 'local', '-u', 'bob', '--password-stdin', '--print', 'access'],
      { cwd: nested, input: 'Bob-Passw0rd!', env },
    );
    expect(res.stderr).toBe(
      `cogauth: using config ${join(project, 'cogauth.config.yaml')}, profile local; endpoint ${cognito.endpoint} (not AWS)\n`,
    );
    expect(res.code).toBe(0);
    // rules path is relative to the config file; the env picks the profile
    const check = await runCli(['check', '--route', 'GET /me', res.stdout.trim()], {
      cwd: nested,
      env: { ...env, COGAUTH_PROFILE: 'local' },
    });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^decision: 200 Allow/);
    const missing = await runCli(['login', '--profile', 'nope', '-u', 'bob', '--password-stdin'], {
      cwd: nested,
      env,
      input: 'x',
    });
    expectOneLineError(missing, /config error: profile: no profile "nope" .*known: local, broken/);
  });
});

describe('emulator down', () => {
  it('login against a closed port: one clear line, non-zero exit, no stack trace; --debug adds the stack', async () => {
    const port = await freePort();
    const args = [
      'login',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--client-id',
      'abc',
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '-u',
      'alice',
      '--password-stdin',
    ];
    const res = await runCli(args, { input: 'pw' });
    expectOneLineError(
      res,
      new RegExp(
        `^cogauth: login failed: cannot reach http://127.0.0.1:${port} \\(ECONNREFUSED\\) — is the emulator running\\?\\n$`,
      ),
    );
    expect(res.code).toBe(3); // could not reach Cognito: its own exit code
    const debug = await runCli([...args, '--debug'], { input: 'pw' });
    expect(debug.code).toBe(3);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('verify when the JWKS cannot be fetched: JWKS_UNAVAILABLE, exit 3', async () => {
    const port = await freePort();
    const token = signJwt(
      cognitoAccessClaims({ issuer: `http://127.0.0.1:${port}/local_x` }),
      generateTestKey(),
    );
    const res = await runCli([
      'verify',
      '--user-pool-id',
      'local_x',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      token,
    ]);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /^cogauth: note: not checked: client_id\/aud .*\ncogauth: cannot check the token: JWKS_UNAVAILABLE: /,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cognitoAccessClaims,
  cognitoIdClaims,
  freePort,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
  type TestKey,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });

// Issue 11.5: verify and check answer what the deployed authorizer would, and explain refusals.

const POOL = 'local_defaults';
const CLIENT = 'client123';
const RULES = JSON.stringify([{ route: 'GET /messages' }]);

let keys: JwksServer;
let key: TestKey;
let dir: string;
let pool: string[];

beforeAll(async () => {
  key = generateTestKey();
  keys = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
  dir = mkdtempSync(join(tmpdir(), 'cogauth-verify-'));
  pool = ['--user-pool-id', POOL, '--issuer', keys.issuer];
});

afterAll(async () => {
  await keys.close();
  rmSync(dir, { recursive: true, force: true });
});

const idToken = () => signJwt(cognitoIdClaims({ issuer: keys.issuer, clientId: CLIENT }), key);
const accessToken = (opts: Parameters<typeof cognitoAccessClaims>[0] = {}) =>
  signJwt(cognitoAccessClaims({ issuer: keys.issuer, clientId: CLIENT, ...opts }), key);

describe('verify and check use the deployed defaults', () => {
  it('verify refuses an ID token by default (token_use access, as COGAUTH_TOKEN_USE unset in the Lambda)', async () => {
    const res = await runCli(['verify', ...pool, '--client-id', CLIENT, idToken()]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /invalid token: TOKEN_USE_INVALID: .*token_use: expected access, token has id/,
    );
    const any = await runCli(['verify', ...pool, '--client-id', CLIENT, '--token-use', 'any', idToken()]);
    expect(any.code).toBe(0);
    expect(any.stderr).toBe('cogauth: note: not checked: token_use (--token-use any)\n');
  });

  it('check answers 401 TOKEN_USE_INVALID for an ID token, as the handler does', async () => {
    const res = await runCli(
      ['check', ...pool, '--client-id', CLIENT, '--route', 'GET /messages', idToken()],
      {
        env: { COGAUTH_RULES: RULES },
      },
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^decision: 401 Unauthorized\nreason: {3}TOKEN_USE_INVALID\n/);
    expect(res.stdout).toMatch(/\ntoken: {4}iss: expected .*token_use: expected access, token has id/);
  });

  it('stderr names every skipped check', async () => {
    const res = await runCli(['verify', ...pool, '--token-use', 'any', accessToken()]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(
      'cogauth: note: not checked: client_id/aud (no --client-id or COGAUTH_CLIENT_IDS, or "*"), token_use (--token-use any)\n',
    );
  });

  it('every refusal shows expected vs. actual iss, client and exp', async () => {
    const expired = accessToken({ now: Math.floor(Date.now() / 1000) - 7200 });
    const res = await runCli(['verify', ...pool, '--client-id', CLIENT, expired]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      new RegExp(
        `^cogauth: invalid token: TOKEN_EXPIRED: .*\\(iss: expected ${keys.issuer}, token has ${keys.issuer}; ` +
          `client: expected ${CLIENT}, token has client_id ${CLIENT}; token_use: expected access, token has access; ` +
          'exp: \\S+ \\(expired 1h 0m \\d+s ago\\)\\)\\n$',
      ),
    );
    const wrong = await runCli(['verify', ...pool, '--client-id', 'other', accessToken()]);
    expect(wrong.stderr).toMatch(/AUDIENCE_INVALID: .*client: expected other, token has client_id client123/);
    const iss = await runCli([
      'verify',
      '--user-pool-id',
      'us-east-1_Real',
      '--client-id',
      CLIENT,
      accessToken(),
    ]);
    expect(iss.stderr).toMatch(
      /ISSUER_INVALID: .*iss: expected https:\/\/cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_Real or https:\/\/issuer-cognito-idp\.us-east-1\.amazonaws\.com\/us-east-1_Real, token has http:\/\/127\.0\.0\.1/,
    );
  });

  it('reads COGAUTH_CLIENT_IDS as the deployed authorizer does: ids trimmed, `*` alone or not at all', async () => {
    // The Lambda trims each id of the comma list; the CLI used to compare " client123" and refuse the token.
    const spaced = await runCli(['verify', ...pool, accessToken()], {
      env: { COGAUTH_CLIENT_IDS: `other, ${CLIENT} ` },
    });
    expect(spaced.stderr).toBe('');
    expect(spaced.code).toBe(0);
    // The Lambda refuses `*` beside ids at cold start; the CLI used to take `*` for one more client id.
    const mixed = await runCli(['verify', ...pool, accessToken()], {
      env: { COGAUTH_CLIENT_IDS: `${CLIENT},*` },
    });
    expect(mixed.code).toBe(2);
    expect(mixed.stdout).toBe('');
    expect(mixed.stderr).toBe(
      'cogauth: --client-id (COGAUTH_CLIENT_IDS): * cannot be combined with client ids\n',
    );
    const flag = await runCli(['verify', ...pool, '--client-id', ` ${CLIENT} , *`, accessToken()]);
    expect(flag.code).toBe(2);
  });

  it('a JWKS that cannot be fetched exits 3, not the invalid-token 1 (verify and check)', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/${POOL}`;
    const token = signJwt(cognitoAccessClaims({ issuer, clientId: CLIENT }), key);
    const args = ['--user-pool-id', POOL, '--issuer', issuer, '--client-id', CLIENT];
    const verify = await runCli(['verify', ...args, token]);
    expect(verify.code).toBe(3);
    expect(verify.stderr).toMatch(/^cogauth: cannot check the token: JWKS_UNAVAILABLE: /);
    const check = await runCli(['check', ...args, '--route', 'GET /messages', token], {
      env: { COGAUTH_RULES: RULES },
    });
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(/reason: {3}JWKS_UNAVAILABLE/);
  });

  it('check reads rules as the Lambda does: inline COGAUTH_RULES or a JSON file; YAML is refused', async () => {
    const yaml = join(dir, 'rules.yaml');
    writeFileSync(yaml, '- route: GET /messages\n');
    const res = await runCli([
      'check',
      ...pool,
      '--client-id',
      CLIENT,
      '--rules',
      yaml,
      '--route',
      'GET /messages',
      accessToken(),
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/is not valid JSON/);
    const both = await runCli(['check', ...pool, '--route', 'GET /messages', accessToken()], {
      env: { COGAUTH_RULES: RULES, COGAUTH_RULES_FILE: yaml },
    });
    expect(both.stderr).toMatch(/set either COGAUTH_RULES or COGAUTH_RULES_FILE/);
  });
});

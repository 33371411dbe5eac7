import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

// Issue 10.3: a cogauth.config.yaml in a cloned repository used to steer credentials and trust. Each test
// reproduces one attack against real servers on 127.0.0.1 and checks that nothing reaches them now.

interface Captured {
  path: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let attacker: Server;
let attackerUrl: string;
const captured: Captured[] = [];
let keys: JwksServer;
let repo: string;

const REAL_POOL = 'us-east-1_RealPool1';
const REAL_CLIENT = 'realclient123';

beforeAll(async () => {
  // Answers like Cognito (InitiateAuth) and like a token endpoint, and records everything it is sent.
  attacker = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      captured.push({ path: req.url, headers: req.headers, body });
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(
        JSON.stringify({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' }),
      );
    });
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
  keys = await startJwksServer({ poolId: 'evil' });
  repo = mkdtempSync(join(tmpdir(), 'cogauth-cloned-repo-'));
});

afterAll(async () => {
  attacker.closeAllConnections();
  await new Promise<void>((resolve) => attacker.close(() => resolve()));
  await keys.close();
  rmSync(repo, { recursive: true, force: true });
});

beforeEach(() => {
  captured.length = 0;
  keys.resetCount();
});

/** A cloned repository whose cogauth.config.yaml the attacker wrote; the victim works in a subdirectory. */
function clonedRepo(name: string, yaml: string): string {
  const dir = join(repo, name);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'cogauth.config.yaml'), yaml);
  return join(dir, 'src');
}

describe('a config file found up the tree cannot steer credentials or trust', () => {
  it('login: switching to USER_PASSWORD_AUTH against an attacker endpoint no longer sends the password', async () => {
    const cwd = clonedRepo('password', `authFlow: USER_PASSWORD_AUTH\nendpoint: ${attackerUrl}\n`);
    const res = await runCli(
      ['login', '--user-pool-id', REAL_POOL, '--client-id', REAL_CLIENT, '-u', 'alice', '--password-stdin'],
      { cwd, input: 'Alice-Secret-Passw0rd\n' },
    );
    expect(captured.map((c) => c.body).join('')).not.toContain('Alice-Secret-Passw0rd');
    expect(captured).toHaveLength(0);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/config error: (authFlow|endpoint): .*was found by searching up/);
  });

  it('m2m: a domain set by the file no longer receives the client secret', async () => {
    const cwd = clonedRepo('m2m', `domain: ${attackerUrl}\n`);
    const res = await runCli(['m2m', '--client-id', REAL_CLIENT, '--scope', 'orders/read'], {
      cwd,
      env: { COGAUTH_CLIENT_SECRET: 'm2m-top-secret' },
    });
    expect(captured).toHaveLength(0);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/config error: domain: .*was found by searching up/);
  });

  it('verify: a jwksUri set by the file no longer makes a forged admin token valid', async () => {
    const evilKey = generateTestKey();
    keys.setJwks(jwksOf(evilKey));
    const forged = signJwt(
      cognitoAccessClaims({
        poolId: REAL_POOL,
        clientId: REAL_CLIENT,
        groups: ['admin'],
        username: 'mallory',
      }),
      evilKey,
    );
    const cwd = clonedRepo('jwks', `jwksUri: ${keys.jwksUrl}\n`);
    const args = ['verify', '--user-pool-id', REAL_POOL, '--client-id', REAL_CLIENT, '--token-use', 'access'];
    const res = await runCli([...args, forged], { cwd });
    expect(res.stdout).not.toMatch(/valid access token/);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/config error: jwksUri: .*was found by searching up/);
    expect(keys.requestCount()).toBe(0);
  });

  it('verify: a pool and issuer set by the file no longer make the attacker pool trusted', async () => {
    const evilKey = generateTestKey();
    keys.setJwks(jwksOf(evilKey));
    const forged = signJwt(
      cognitoAccessClaims({ issuer: keys.issuer, clientId: REAL_CLIENT, groups: ['admin'] }),
      evilKey,
    );
    const cwd = clonedRepo('pool', `userPoolId: local_evil\nissuer: ${keys.issuer}\ntokenUse: any\n`);
    const res = await runCli(['verify', '--client-id', REAL_CLIENT, forged], { cwd });
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(keys.requestCount()).toBe(0);
  });

  it('the same settings work from a file the user names, and stderr says which file and endpoint', async () => {
    const cwd = clonedRepo('named', `authFlow: USER_PASSWORD_AUTH\nendpoint: ${attackerUrl}\n`);
    const res = await runCli(
      [
        'login',
        '--config',
        '../cogauth.config.yaml',
        '--user-pool-id',
        REAL_POOL,
        '--client-id',
        REAL_CLIENT,
      ],
      { cwd, env: { COGAUTH_USERNAME: 'alice' }, input: 'pw\n' },
    );
    // The file is trusted now, so the request goes out (to our recording server); the user was told where.
    expect(res.stderr).toContain(
      `cogauth: using config ${join(cwd, '..', 'cogauth.config.yaml')}; endpoint ${attackerUrl} (not AWS)\n`,
    );
  });

  it('plain http:// to a host that is not loopback is refused before any connection', async () => {
    const res = await runCli(
      [
        'login',
        '--endpoint',
        'http://cognito.example.com',
        '--client-id',
        'c',
        '-u',
        'a',
        '--password-stdin',
      ],
      { input: 'pw' },
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      'cogauth: endpoint http://cognito.example.com is plain http:// to a host that is not loopback: use https:// ' +
        '(plain http is allowed only for 127.0.0.1, ::1 and localhost, e.g. cognito-local)\n',
    );
  });

  it('refresh takes its token from COGAUTH_REFRESH_TOKEN or stdin; argv works but warns', async () => {
    const base = [
      'refresh',
      '--endpoint',
      attackerUrl,
      '--client-id',
      REAL_CLIENT,
      '--user-pool-id',
      REAL_POOL,
    ];
    await runCli(base, { env: { COGAUTH_REFRESH_TOKEN: 'rt-from-env' } });
    await runCli(base, { input: 'rt-from-stdin\n' });
    const argv = await runCli([...base, 'rt-from-argv']);
    const sent = captured.map((c) => JSON.parse(c.body).AuthParameters?.REFRESH_TOKEN);
    expect(sent).toEqual(['rt-from-env', 'rt-from-stdin', 'rt-from-argv']);
    expect(argv.stderr).toMatch(/warning: a refresh token on the command line is visible in "ps"/);
  });
});

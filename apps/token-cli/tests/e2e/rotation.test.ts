import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CognitoStandIn, generateTestKey, startCognitoStandIn } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

// Issue 23.3: an app client with refresh-token rotation refuses REFRESH_TOKEN_AUTH, so every session on it
// broke at its first refresh. Against the Cognito stand-in, which answers as the API reference says:
// REFRESH_TOKEN_AUTH refused (InvalidParameterException) on a rotating client, GetTokensFromRefreshToken
// issuing a new refresh token and refusing the old one after RetryGracePeriodSeconds
// (RefreshTokenReuseException).

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });
const CRASH_PRELOAD = fileURLToPath(new URL('../helpers/crash-mid-write.cjs', import.meta.url));
const PASSWORD = 'Corr3ct-horse-battery!';

let standIn: CognitoStandIn;
let poolId: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cogauth-rotation-'));
  standIn = await startCognitoStandIn({ signingKey: generateTestKey({ alg: 'RS256', kid: 'rotation' }) });
  ({ poolId } = standIn.createPool());
  standIn.createUser(poolId, 'alice', { password: PASSWORD });
});

afterAll(async () => {
  await standIn?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A rotating app client (REFRESH_TOKEN_AUTH off, as Cognito requires) with the given grace period. */
function rotatingClient(grace: number): string {
  return standIn.createClient(poolId, {
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
    refreshTokenRotation: { enabled: true, retryGracePeriodSeconds: grace },
  }).clientId;
}

interface Home {
  env: Record<string, string>;
  file: string;
  sessions: string;
}

/** A fresh state directory; refreshes go to `endpoint` because COGAUTH_ENDPOINT names it. */
function home(name: string, endpoint = standIn.endpoint): Home {
  const state = join(dir, name, 'state');
  mkdirSync(state, { recursive: true });
  const sessions = join(state, 'cogauth', 'sessions');
  return {
    env: { XDG_STATE_HOME: state, COGAUTH_ENDPOINT: endpoint },
    file: join(sessions, 'default.json'),
    sessions,
  };
}

async function login(h: Home, clientId: string): Promise<void> {
  const res = await runCli(
    [
      'login',
      '--user-pool-id',
      poolId,
      '--client-id',
      clientId,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '-u',
      'alice',
      '--password-stdin',
    ],
    { env: h.env, input: PASSWORD },
  );
  expect(res.code, res.stderr).toBe(0);
}

const saved = (h: Home) => JSON.parse(readFileSync(h.file, 'utf8'));
/** Operations the stand-in answered since `from`, as "Operation status[ ErrorType]". */
const callsSince = (from: number) =>
  standIn
    .calls()
    .slice(from)
    .map((c) => `${c.operation} ${c.status}${c.errorType ? ` ${c.errorType}` : ''}`);

describe('refresh-token rotation', () => {
  it('detects rotation from Cognito’s answer, saves each new refresh token, and the next refresh uses it', async () => {
    const clientId = rotatingClient(0);
    const h = home('twice');
    await login(h, clientId);
    const first = saved(h);
    expect(first.refreshWith).toBeUndefined();

    let mark = standIn.calls().length;
    const one = await runCli(['token', '--min-valid', '86400'], { env: h.env });
    expect(one.code, one.stderr).toBe(0);
    expect(callsSince(mark)).toEqual([
      'InitiateAuth 400 InvalidParameterException',
      'GetTokensFromRefreshToken 200',
    ]);
    const second = saved(h);
    expect(one.stdout).toBe(`${second.accessToken}\n`);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.refreshWith).toBe('GetTokensFromRefreshToken');
    expect(one.stderr).toBe(''); // nothing secret (or anything at all) on stderr
    expect(statSync(h.file).mode & 0o777).toBe(0o600);
    expect(statSync(h.file).mode & 0o777).toBe(0o600);

    // The recorded mode goes straight to GetTokensFromRefreshToken, with the rotated token.
    mark = standIn.calls().length;
    const two = await runCli(['token', '--min-valid', '86400'], { env: h.env });
    expect(two.code, two.stderr).toBe(0);
    expect(callsSince(mark)).toEqual(['GetTokensFromRefreshToken 200']);
    const third = saved(h);
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect(two.stdout).toBe(`${third.accessToken}\n`);

    // With no grace period, the tokens rotated away are refused at once.
    for (const old of [first.refreshToken, second.refreshToken]) {
      const reuse = await runCli(['refresh', '--user-pool-id', poolId, '--client-id', clientId], {
        env: { ...h.env, COGAUTH_REFRESH_TOKEN: old },
      });
      expect(reuse.code).toBe(1);
      expect(reuse.stderr).toMatch(/refresh failed: .*\(RefreshTokenReuseException\) — the client rotates/);
    }
  });

  it('only InvalidParameterException leads to GetTokensFromRefreshToken; an endpoint without it shows the first refusal', async () => {
    // A client that does not rotate: a refused refresh token is NotAuthorizedException, and nothing else is tried.
    const plain = standIn.createClient(poolId, { explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'] }).clientId;
    const h = home('fallback');
    const args = ['refresh', '--user-pool-id', poolId, '--print', 'access'];
    let mark = standIn.calls().length;
    const bad = await runCli([...args, '--client-id', plain], {
      env: { ...h.env, COGAUTH_REFRESH_TOKEN: 'not-a-refresh-token' },
    });
    expect(bad.code).toBe(1);
    expect(callsSince(mark)).toEqual(['InitiateAuth 400 NotAuthorizedException']);
    // A client without REFRESH_TOKEN_AUTH at an endpoint that lacks GetTokensFromRefreshToken.
    const clientId = rotatingClient(0);
    await login(h, clientId);
    standIn.failNext('GetTokensFromRefreshToken', 'UnknownOperationException');
    mark = standIn.calls().length;
    const res = await runCli([...args, '--client-id', clientId], {
      env: { ...h.env, COGAUTH_REFRESH_TOKEN: saved(h).refreshToken },
    });
    expect(callsSince(mark)).toEqual([
      'InitiateAuth 400 InvalidParameterException',
      'GetTokensFromRefreshToken 400 UnknownOperationException',
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^cogauth: refresh failed: .* \(InvalidParameterException\) — is this auth flow enabled on the app client\?\n$/,
    );
  });

  it('`cogauth refresh` on a rotating client prints the new refresh token; the old one dies after the grace period', async () => {
    const clientId = rotatingClient(10);
    const h = home('grace');
    await login(h, clientId);
    const original = saved(h).refreshToken;
    const args = ['refresh', '--user-pool-id', poolId, '--client-id', clientId, '--print', 'refresh'];
    const res = await runCli(args, { env: { ...h.env, COGAUTH_REFRESH_TOKEN: original } });
    expect(res.code, res.stderr).toBe(0);
    const rotated = res.stdout.trim();
    expect(rotated).not.toBe(original);
    // Within the grace period the original still works (a retry after a lost answer)...
    const retry = await runCli(args, { env: { ...h.env, COGAUTH_REFRESH_TOKEN: original } });
    expect(retry.code, retry.stderr).toBe(0);
    standIn.advanceClock(11);
    // ...after it, it is refused, and the session (still holding the original) says to log in again.
    const late = await runCli(args, { env: { ...h.env, COGAUTH_REFRESH_TOKEN: original } });
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/RefreshTokenReuseException/);
    const session = await runCli(['token', '--min-valid', '86400'], { env: h.env });
    expect(session.code).toBe(1);
    expect(session.stderr).toMatch(/RefreshTokenReuseException.*: run "cogauth login"\n$/);
    const fresh = await runCli(args, { env: { ...h.env, COGAUTH_REFRESH_TOKEN: rotated } });
    expect(fresh.code, fresh.stderr).toBe(0);
  });

  it('a crash while the session is written leaves the old file whole; a retry within the grace period recovers', async () => {
    const clientId = rotatingClient(30);
    const h = home('crash');
    await login(h, clientId);
    const before = readFileSync(h.file, 'utf8');
    const crashed = await runCli(['token', '--min-valid', '86400'], {
      env: { ...h.env, NODE_OPTIONS: `--require ${CRASH_PRELOAD}`, COGAUTH_TEST_CRASH_PATH: h.file },
    });
    expect(crashed.code).toBeNull(); // killed by SIGKILL in the middle of writing
    expect(readFileSync(h.file, 'utf8')).toBe(before);
    expect(statSync(h.file).mode & 0o777).toBe(0o600);
    const leftovers = readdirSync(h.sessions).filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toHaveLength(1); // the half-written temp file, 0600
    expect(statSync(join(h.sessions, leftovers[0] as string)).mode & 0o777).toBe(0o600);

    // Cognito rotated the token, but the grace period lets the saved one refresh once more.
    const retry = await runCli(['token', '--min-valid', '86400'], { env: h.env });
    expect(retry.code, retry.stderr).toBe(0);
    expect(saved(h).refreshToken).not.toBe(JSON.parse(before).refreshToken);
    // logout removes what the crash left behind (it may hold tokens).
    const out = await runCli(['logout'], { env: h.env });
    expect(out.code, out.stderr).toBe(0);
    expect(readdirSync(h.sessions).filter((name) => name.startsWith('default.'))).toEqual([]);
  });

  it('two `cogauth token` at once refresh one after the other: the second reads the rotated session', async () => {
    const clientId = rotatingClient(0);
    const proxy = await slowProxy(standIn.endpoint, 400);
    try {
      const h = home('concurrent', proxy.url);
      await login(h, clientId);
      const warmUp = await runCli(['token', '--min-valid', '86400'], { env: h.env });
      expect(warmUp.code, warmUp.stderr).toBe(0);
      // About to expire: both runs want a refresh, and both have read the session before Cognito answers.
      const session = saved(h);
      writeFileSync(h.file, JSON.stringify({ ...session, expiresAt: Date.now() + 30_000 }));
      const mark = standIn.calls().length;
      const [a, b] = await Promise.all([
        runCli(['token'], { env: h.env }),
        runCli(['token'], { env: h.env }),
      ]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(callsSince(mark)).toEqual(['GetTokensFromRefreshToken 200']);
      const after = saved(h);
      expect(after.refreshToken).not.toBe(session.refreshToken);
      expect(a.stdout).toBe(`${after.accessToken}\n`);
      expect(b.stdout).toBe(`${after.accessToken}\n`);
      expect(readdirSync(h.sessions)).toEqual(['default.json']); // the lock is gone
    } finally {
      await proxy.close();
    }
  });
});

describe('logout and login take the profile lock a refresh holds', () => {
  it('logout during a refresh in another cogauth waits for it, revokes the token it saved, and the session stays gone', async () => {
    const clientId = rotatingClient(0);
    const proxy = await slowProxy(standIn.endpoint, 600);
    try {
      const h = home('logout-during-refresh', proxy.url);
      await login(h, clientId);
      const warmUp = await runCli(['token', '--min-valid', '86400'], { env: h.env });
      expect(warmUp.code, warmUp.stderr).toBe(0);
      const session = saved(h);
      writeFileSync(h.file, JSON.stringify({ ...session, expiresAt: Date.now() + 30_000 }));
      const mark = standIn.calls().length;
      const refreshing = runCli(['token'], { env: h.env });
      await until(() => existsSync(join(h.sessions, 'default.lock')));
      // The refresh holds the lock and waits for Cognito; logout starts now.
      const out = await runCli(['logout'], { env: h.env });
      const token = await refreshing;
      expect(token.code, token.stderr).toBe(0);
      expect(out.code, out.stderr).toBe(0);
      expect(callsSince(mark)).toEqual(['GetTokensFromRefreshToken 200', 'RevokeToken 200']);
      // Without the lock logout revoked the token the refresh was replacing, deleted the file, and the
      // refresh then saved its session again: logged out, yet a live session on disk.
      expect(readdirSync(h.sessions).filter((name) => name.startsWith('default.'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A proxy to `target` that holds every refresh call for `delayMs`, so two CLI runs started together have
 * both read the session before either refresh is answered.
 */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const slow = String(req.headers['x-amz-target']).endsWith('.GetTokensFromRefreshToken');
      setTimeout(
        () => {
          const out = request(
            {
              host: upstream.hostname,
              port: upstream.port,
              path: req.url,
              method: req.method,
              headers: req.headers,
            },
            (answer) => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
            },
          );
          out.on('error', () => res.destroy());
          out.end(Buffer.concat(chunks));
        },
        slow ? delayMs : 0,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

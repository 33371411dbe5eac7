import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CognitoLocal, startCognitoLocal } from '../src/index.js';

const PKG = dirname(dirname(fileURLToPath(import.meta.url)));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !alive(pid);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('startCognitoLocal', () => {
  let cl: CognitoLocal | undefined;
  afterAll(async () => {
    await cl?.stop();
  });

  it('creates pool, client, groups and users, logs in, and tokens verify against its JWKS', async () => {
    cl = await startCognitoLocal();
    expect(cl.endpoint).toBe(`http://127.0.0.1:${cl.port}`);
    expect(existsSync(join(cl.dataDir, '.cognito', 'config.json'))).toBe(true);

    const pool = await cl.createPool('e2e');
    expect(pool.poolId).toMatch(/^local_\w+$/);
    expect(pool.issuer).toBe(`http://127.0.0.1:${cl.port}/${pool.poolId}`);
    expect(pool.jwksUri).toBe(`${pool.issuer}/.well-known/jwks.json`);

    const app = await cl.createClient(pool.poolId, { name: 'web' });
    expect(app.clientSecret).toBeUndefined();
    const secretApp = await cl.createClient(pool.poolId, { secret: true });
    expect(secretApp.clientSecret).toMatch(/\w+/);

    await cl.createGroup(pool.poolId, 'admin');
    const alice = await cl.createUser(pool.poolId, 'alice', 'Passw0rd!alice', {
      groups: ['writers', 'admin'],
      email: 'alice@example.test',
    });
    expect(alice.username).toBe('alice');
    await cl.createUser(pool.poolId, 'bob', 'Passw0rd!bob');

    const tokens = await cl.login(pool.poolId, app.clientId, 'alice', 'Passw0rd!alice');
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBeGreaterThan(3600);
    expect(tokens.refreshToken.split('.')).toHaveLength(3);

    const res = await fetch(pool.jwksUri);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as Parameters<typeof createLocalJWKSet>[0];
    const keySet = createLocalJWKSet(jwks);

    expect(decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'RS256', kid: 'CognitoLocal' });
    const access = await jwtVerify(tokens.accessToken, keySet, {
      issuer: pool.issuer,
      algorithms: ['RS256'],
    });
    expect(access.payload).toMatchObject({
      iss: pool.issuer,
      sub: alice.sub,
      token_use: 'access',
      client_id: app.clientId,
      username: 'alice',
      scope: 'aws.cognito.signin.user.admin',
    });
    expect([...(access.payload['cognito:groups'] as string[])].sort()).toEqual(['admin', 'writers']);

    const id = await jwtVerify(tokens.idToken, keySet, { issuer: pool.issuer, audience: app.clientId });
    expect(id.payload).toMatchObject({
      token_use: 'id',
      'cognito:username': 'alice',
      email: 'alice@example.test',
      email_verified: true,
    });

    const bob = await cl.login(pool.poolId, secretApp.clientId, 'bob', 'Passw0rd!bob');
    const bobId = decodeJwt(bob.idToken);
    expect(bobId.aud).toBe(secretApp.clientId);
    expect(bobId).not.toHaveProperty('email');
    expect(decodeJwt(bob.accessToken)).not.toHaveProperty('cognito:groups');

    const refreshed = await cl.refresh(app.clientId, tokens.refreshToken, 'alice');
    expect(decodeJwt(refreshed.accessToken).username).toBe('alice');

    await expect(cl.login(pool.poolId, app.clientId, 'alice', 'wrong-password')).rejects.toThrow();
    await cl.createUser(pool.poolId, 'carol', 'Passw0rd!carol', { permanent: false });
    await expect(cl.login(pool.poolId, app.clientId, 'carol', 'Passw0rd!carol')).rejects.toThrow(
      /NEW_PASSWORD_REQUIRED/,
    );
  }, 30_000);

  it('stop() kills the process, frees the port and removes the temp dir; twice is fine', async () => {
    const local = cl ?? (await startCognitoLocal());
    cl = local;
    const { pid, port, dataDir } = local;
    expect(alive(pid)).toBe(true);
    await local.stop();
    expect(await waitGone(pid, 2000)).toBe(true);
    expect(await canListen(port)).toBe(true);
    expect(existsSync(dataDir)).toBe(false);
    await local.stop();
  }, 30_000);

  it('fails with a clear error carrying its output when the emulator dies at start-up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cogauth-broken-'));
    try {
      mkdirSync(join(dataDir, '.cognito'));
      writeFileSync(join(dataDir, '.cognito', 'config.json'), '{"UserPoolDefaults": not json');
      const err = await startCognitoLocal({ dataDir }).then(
        () => new Error('started'),
        (e: Error) => e,
      );
      expect(err.message).toMatch(/^startCognitoLocal: cognito-local exited during start-up; output tail:/);
      expect(err.message.length).toBeGreaterThan(80);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('startCognitoLocal leaves nothing running when its test process dies', () => {
  const script = join(PKG, 'tests', 'support', 'orphan-child.mjs');

  beforeAll(() => {
    // The child process imports the built package; build it if src is newer than dist.
    const dist = join(PKG, 'dist', 'index.js');
    const newest = Math.max(
      ...readdirSync(join(PKG, 'src')).map((f) => statSync(join(PKG, 'src', f)).mtimeMs),
    );
    if (!existsSync(dist) || statSync(dist).mtimeMs < newest) {
      execFileSync('pnpm', ['exec', 'tsc', '-p', 'tsconfig.build.json'], {
        cwd: PKG,
        stdio: 'ignore',
        timeout: 55_000,
      });
    }
  }, 60_000);

  for (const mode of ['exit', 'sigkill'] as const) {
    it(`after the parent ${mode === 'exit' ? 'exits without stop()' : 'is SIGKILLed'}`, async () => {
      const child = spawn(process.execPath, [script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      await new Promise((resolve) => child.once('exit', resolve));
      const info = JSON.parse(out.trim()) as { pid: number; port: number; dataDir: string };
      expect(info.pid).toBeGreaterThan(0);
      expect(await waitGone(info.pid, 5000)).toBe(true);
      expect(await canListen(info.port)).toBe(true);
      expect(existsSync(info.dataDir)).toBe(false);
    }, 30_000);
  }
});

import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cacheKeyOf, cachePath, readCachedToken, writeCachedToken } from '../../src/m2m-cache.js';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

// Issue 23.5: `cogauth m2m` asked Cognito for a new token on every call, and M2M token requests are
// billed per request. A token endpoint on 127.0.0.1 counts what reaches it.

const CLIENTS: Record<string, string> = {
  'client-one': 'secret-one-0123456789',
  'client-two': 'secret-two-9876',
};
const NOBODY = 65_534;

let server: Server;
let base: string;
let issued = 0;
/** What the next answers say: the token's lifetime, or none at all. */
let answerExpiresIn: number | undefined = 3600;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'cogauth-m2m-cache-'));
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      const [id, secret] = Buffer.from((req.headers.authorization ?? '').slice(6), 'base64')
        .toString()
        .split(':');
      const reply = (status: number, json: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (!id || CLIENTS[id] !== secret) return reply(400, { error: 'invalid_client' });
      issued += 1;
      const scope = new URLSearchParams(body).get('scope') ?? '';
      return reply(200, {
        access_token: `token-${issued}-${id}-${scope.replace(/\W/g, '_')}`,
        token_type: 'Bearer',
        ...(answerExpiresIn === undefined ? {} : { expires_in: answerExpiresIn }),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  answerExpiresIn = 3600;
});

let homes = 0;
/** A fresh cache directory per test. */
function cacheHome(): { env: Record<string, string>; dir: string } {
  homes += 1;
  const cache = join(root, `home-${homes}`, 'cache');
  return { env: { XDG_CACHE_HOME: cache }, dir: join(cache, 'cogauth', 'm2m') };
}

interface Call {
  client?: string;
  secret?: string;
  scopes?: string[];
  extra?: string[];
}

async function m2m(env: Record<string, string>, call: Call = {}) {
  const client = call.client ?? 'client-one';
  const secret = call.secret ?? (CLIENTS[client] as string);
  const scopes = call.scopes ?? ['orders/read'];
  const args = ['m2m', '--domain', base, '--client-id', client, ...scopes.flatMap((s) => ['--scope', s])];
  const options: RunOptions = { env: { ...env, COGAUTH_CLIENT_SECRET: secret }, stripNotices: true };
  const res = await runRaw([...args, ...(call.extra ?? [])], options);
  return { ...res, token: res.stdout.trim() };
}

/** Runs `m2m` and says whether the token endpoint was asked. */
async function counted(env: Record<string, string>, options: Call = {}) {
  const before = issued;
  const res = await m2m(env, options);
  expect(res.code, res.stderr).toBe(0);
  return { ...res, requested: issued > before };
}

const onlyFile = (dir: string) => {
  const names = readdirSync(dir);
  expect(names).toHaveLength(1);
  return join(dir, names[0] as string);
};

describe('cogauth m2m reuses its token', () => {
  it('the second call makes no request; the file is 0600 in a 0700 directory and holds no secret', async () => {
    const { env, dir } = cacheHome();
    const first = await counted(env);
    expect(first.requested).toBe(true);
    const second = await counted(env);
    expect(second.requested).toBe(false);
    expect(second.token).toBe(first.token);
    expect(second.stderr).toBe('');
    const file = onlyFile(dir);
    expect(file).toMatch(/[0-9a-f]{64}\.json$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, '..')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(CLIENTS['client-one']);
    expect(file).not.toContain('client-one');
    // --json gives what is left of a cached token's lifetime.
    const json = JSON.parse((await counted(env, { extra: ['--json'] })).stdout);
    expect(json).toMatchObject({ accessToken: first.token, tokenType: 'Bearer' });
    expect(json.expiresIn).toBeGreaterThan(3500);
    expect(json.expiresIn).toBeLessThanOrEqual(3600);
  });

  it('--no-cache makes a request and its token replaces the cached one', async () => {
    const { env } = cacheHome();
    const first = await counted(env);
    const forced = await counted(env, { extra: ['--no-cache'] });
    expect(forced.requested).toBe(true);
    expect(forced.token).not.toBe(first.token);
    const after = await counted(env);
    expect(after).toMatchObject({ requested: false, token: forced.token });
  });

  it('a token within the margin is replaced: 60 s by default, --min-valid otherwise', async () => {
    const { env, dir } = cacheHome();
    const first = await counted(env);
    expect((await counted(env, { extra: ['--min-valid', '3000'] })).requested).toBe(false);
    const longer = await counted(env, { extra: ['--min-valid', '3700'] });
    expect(longer.requested).toBe(true);
    const file = onlyFile(dir);
    const entry = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...entry, expiresAt: Date.now() + 59_000 }));
    const near = await counted(env);
    expect(near.requested).toBe(true);
    expect(near.token).not.toBe(first.token);
    expect((await counted(env)).requested).toBe(false);
  });

  it('keys by token endpoint, client and scope set (order and repeats do not matter)', async () => {
    const { env } = cacheHome();
    await counted(env, { scopes: ['orders/read', 'orders/write'] });
    expect((await counted(env, { scopes: ['orders/write', 'orders/read', 'orders/read'] })).requested).toBe(
      false,
    );
    expect((await counted(env, { scopes: ['orders/read'] })).requested).toBe(true);
    expect((await counted(env, { scopes: [] })).requested).toBe(true);
    expect((await counted(env, { client: 'client-two', scopes: ['orders/read'] })).requested).toBe(true);
    expect((await counted(env, { client: 'client-two', scopes: ['orders/read'] })).requested).toBe(false);
    // The same server under another origin is another token endpoint.
    const before = issued;
    const other = await runRaw(
      [
        'm2m',
        '--domain',
        base.replace('127.0.0.1', 'localhost'),
        '--client-id',
        'client-one',
        '--scope',
        'orders/read',
      ],
      { env: { ...env, COGAUTH_CLIENT_SECRET: CLIENTS['client-one'] }, stripNotices: true },
    );
    expect(other.code, other.stderr).toBe(0);
    expect(issued).toBe(before + 1);
  });

  it('a wrong secret never gets the cached token: the token endpoint says invalid_client', async () => {
    const { env } = cacheHome();
    await counted(env);
    const wrong = await m2m(env, { secret: 'not-the-secret' });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toMatch(/invalid_client/);
  });

  it('an answer without a lifetime is not cached', async () => {
    const { env, dir } = cacheHome();
    answerExpiresIn = undefined; // and the token is not a JWT: nothing says when it expires
    expect((await counted(env)).requested).toBe(true);
    expect((await counted(env)).requested).toBe(true);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('a cache that cannot be written does not fail the command', async () => {
    const { env } = cacheHome();
    mkdirSync(join(env.XDG_CACHE_HOME as string), { recursive: true });
    writeFileSync(join(env.XDG_CACHE_HOME as string, 'cogauth'), 'a file where the directory should be');
    const res = await m2m(env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.token).toMatch(/^token-/);
    expect(res.stderr).toMatch(/^cogauth: the m2m token was not cached: ENOTDIR\n/);
  });
});

describe('a cache file that is not this user’s own is refused and deleted', () => {
  const cases: Array<[string, (file: string) => string | undefined]> = [
    [
      'mode 0644',
      (file) => {
        chmodSync(file, 0o644);
        return undefined;
      },
    ],
    [
      'mode 0660',
      (file) => {
        chmodSync(file, 0o660);
        return undefined;
      },
    ],
    [
      'another user',
      (file) => {
        try {
          chownSync(file, NOBODY, NOBODY);
          return undefined;
        } catch (error) {
          return `cannot chown to uid ${NOBODY} here (${(error as NodeJS.ErrnoException).code}): needs root`;
        }
      },
    ],
    [
      'a symbolic link',
      (file) => {
        renameSync(file, `${file}.target`);
        symlinkSync(`${file}.target`, file);
        return undefined;
      },
    ],
  ];
  for (const [what, spoil] of cases) {
    it(what, async (ctx) => {
      const { env, dir } = cacheHome();
      const first = await counted(env);
      const file = onlyFile(dir);
      const skip = spoil(file);
      if (skip) ctx.skip(skip);
      const next = await counted(env);
      expect(next.requested).toBe(true);
      expect(next.token).not.toBe(first.token);
      expect(next.stderr).toMatch(/^cogauth: deleted the cached m2m token \S+\.json unused: /);
      // The refused file is gone; the new token is cached 0600 in its place, owned by this user.
      const stat = statSync(file);
      expect(stat.isFile() && !stat.isSymbolicLink()).toBe(true);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(stat.uid).toBe(process.getuid?.());
    });
  }

  it('a file written for another client or scope set, put under this name', async () => {
    const { env, dir } = cacheHome();
    await counted(env, { client: 'client-two', scopes: ['orders/write'] });
    const planted = onlyFile(dir);
    const plantedToken = JSON.parse(readFileSync(planted, 'utf8')).accessToken;
    const key = cacheKeyOf(`${base}/oauth2/token`, 'client-one', ['orders/read']);
    const target = cachePath(env, key, CLIENTS['client-one'] as string);
    renameSync(planted, target);
    const res = await counted(env);
    expect(res.requested).toBe(true);
    expect(res.token).not.toBe(plantedToken);
    expect(res.stderr).toMatch(/unused: it is not a cogauth token cache entry for this client/);
  });
});

describe('the cache finds a token only for the exact key it was stored under (property)', () => {
  const endpoints = fc.constantFrom(
    'https://a.auth.eu-west-1.amazoncognito.com/oauth2/token',
    'http://127.0.0.1:9/oauth2/token',
  );
  const keyArb = fc.record({
    endpoint: endpoints,
    client: fc.constantFrom('c1', 'c2'),
    secret: fc.constantFrom('s1', 's2'),
    scopes: fc.array(fc.constantFrom('a/read', 'a/write', 'b/read'), { maxLength: 3 }),
  });

  it('lookups hit exactly the stored (endpoint, client, secret, scope set)', () => {
    let run = 0;
    fc.assert(
      fc.property(fc.array(keyArb, { minLength: 1, maxLength: 4 }), keyArb, (stored, asked) => {
        run += 1;
        const env = { XDG_CACHE_HOME: join(root, 'property', String(run)) };
        const now = Date.now();
        stored.forEach((k, i) => {
          const key = cacheKeyOf(k.endpoint, k.client, k.scopes);
          writeCachedToken(env, key, k.secret, {
            accessToken: `t${i}`,
            tokenType: 'Bearer',
            expiresAt: now + 3_600_000,
          });
        });
        const same = (k: typeof asked) =>
          k.endpoint === asked.endpoint &&
          k.client === asked.client &&
          k.secret === asked.secret &&
          new Set(k.scopes).size === new Set(asked.scopes).size &&
          k.scopes.every((s) => asked.scopes.includes(s));
        const last = stored.findLastIndex(same);
        const found = readCachedToken(
          env,
          cacheKeyOf(asked.endpoint, asked.client, asked.scopes),
          asked.secret,
          60_000,
          now,
        );
        if (last < 0) expect(found).toEqual({ state: 'miss' });
        else
          expect(found).toEqual({
            state: 'hit',
            token: { accessToken: `t${last}`, tokenType: 'Bearer', expiresAt: now + 3_600_000 },
          });
        rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true });
      }),
      { numRuns: 200 },
    );
  });
});

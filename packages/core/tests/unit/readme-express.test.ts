// Runs the README's Express example exactly as written, as its own node process against a JWKS server.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cognitoAccessClaims,
  freePort,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, expect, it } from 'vitest';

const POOL = 'us-east-1_ReadmeEx1';
const CLIENT = 'readmeclient0123456789ab';
const key = generateTestKey({ alg: 'RS256', kid: 'readme' });
// Inside the package, so `@cogauth/core` resolves to this package's dist (self-reference) and `express` to
// its devDependency, as they would in a user's project.
const file = join(import.meta.dirname, '..', `.readme-express-${process.pid}.mjs`);
let jwks: JwksServer;
let child: ChildProcess | undefined;
let base = '';

function example(): string {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Express (`@cogauth/core/express`)'));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m?.[1]) throw new Error('no Express example in README.md');
  return m[1];
}

beforeAll(async () => {
  jwks = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
  writeFileSync(file, example());
  const port = await freePort();
  child = spawn(process.execPath, [file], {
    env: {
      ...process.env,
      USER_POOL_ID: POOL,
      CLIENT_ID: CLIENT,
      JWKS_URI: jwks.jwksUrl,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(base);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('the README example did not start');
});

afterAll(async () => {
  if (child?.pid && child.exitCode === null) child.kill('SIGTERM');
  rmSync(file, { force: true });
  await jwks?.close();
});

it('the README Express example answers 401, 403 and 200 as documented', async () => {
  const reader = signJwt(
    cognitoAccessClaims({ poolId: POOL, clientId: CLIENT, groups: ['readers'], sub: 'r1' }),
    key,
  );
  const none = await fetch(`${base}/messages`);
  expect([none.status, none.headers.get('www-authenticate'), await none.text()]).toEqual([
    401,
    'Bearer',
    '{"message":"Unauthorized"}',
  ]);
  const headers = { authorization: `Bearer ${reader}` };
  const ok = await fetch(`${base}/messages`, { headers });
  expect([ok.status, await ok.json()]).toEqual([200, { sub: 'r1' }]);
  const no = await fetch(`${base}/messages/42`, { method: 'DELETE', headers });
  expect([no.status, await no.text()]).toEqual([403, '{"message":"Forbidden"}']);
});

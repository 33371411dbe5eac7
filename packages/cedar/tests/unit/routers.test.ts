import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from '@cogauth/core';
import { cogauthExpress } from '@cogauth/core/express';
import express from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import { tokenFor, verifier } from '../helpers/gateway.js';
import { accessClaims } from '../helpers/store.js';

/*
 * Behind a framework router (createAuthenticator, the Express adapter): Express matches paths ignoring
 * letter case by default, so `/ADMIN` runs the `/admin` handler. Cedar may permit a public `GET /{page}`
 * beside an admins-only `GET /admin` (a cached policy denies `GET/admin` explicitly); judged as written,
 * `/ADMIN` would be the public route. The engine behind a router refuses a request that a route the caller
 * is not permitted matches once case is ignored. Real Express over a real socket, generated spellings.
 */

const engine = loadCedar({
  policies: `
    permit (principal, action == MyApi::Action::"get /{page}", resource);
    permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|admin", action == MyApi::Action::"get /admin", resource);`,
});
const user = tokenFor(accessClaims('user', []));
const admin = tokenFor(accessClaims('boss', ['admin']));

let server: Server;
let base = '';
beforeAll(async () => {
  const app = express();
  app.use(cogauthExpress({ verifier: verifier(), rules: engine, logger: () => {} }));
  app.get('/admin', (_req, res) => {
    res.send('admin');
  });
  app.get('/:page', (_req, res) => {
    res.send('page');
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function get(path: string, token: string): Promise<string> {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  return res.status === 200 ? await res.text() : String(res.status);
}

describe('the engine behind a router that ignores letter case', () => {
  it('no spelling of /admin reaches the admins’ handler without the admin group; admins and pages still work', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }), async (upper) => {
        const path = `/${[...'admin'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')}`;
        expect([path, await get(path, user)]).toEqual([path, '403']);
        expect([path, await get(path, admin)]).toEqual([path, 'admin']);
      }),
      { numRuns: 32 },
    );
    expect(await get('/home', user)).toBe('page');
    expect(await get('/Home', user)).toBe('page');
  });

  it('the same engine judges API Gateway requests as written (API Gateway matches case-sensitively)', () => {
    const claims = accessClaims('user', []);
    expect(engine.decide(claims, { method: 'GET', path: '/ADMIN' }).allowed).toBe(true);
    expect(engine.decide(claims, { method: 'GET', path: '/admin' }).allowed).toBe(false);
  });

  it('createAuthenticator takes the engine as its rules', async () => {
    const authenticate = createAuthenticator({ verifier: verifier(), rules: engine, logger: () => {} });
    expect(
      (await authenticate({ method: 'GET', path: '/AdMiN', authorization: `Bearer ${user}` })).status,
    ).toBe(403);
    expect(
      (await authenticate({ method: 'GET', path: '/AdMiN', authorization: `Bearer ${admin}` })).status,
    ).toBe(200);
  });
});

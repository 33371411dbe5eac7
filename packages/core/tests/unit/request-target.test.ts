// Issue 20, item 1: request targets the rules judged as one route while the router ran another handler.
// Reproduced with a raw socket (HTTP clients drop `#…` and normalize paths before sending).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cogauthExpress as cogauth } from '../../src/express.js';
import { cogauthFastify as cogauthHook } from '../../src/fastify.js';
import { createAuthenticator, type DecisionLog } from '../../src/index.js';
import { accessToken, key, localVerifier } from '../helpers/fixtures.js';
import { rawRequest } from '../helpers/raw-http.js';
import { honoApp, middyApp, rulesFor } from '../helpers/routed-apps.js';

const RULES = [
  { route: 'GET /users', groups: ['admins'] },
  { route: 'GET /users/{id}', groups: ['users'] },
  { route: 'GET /admin', groups: ['admins'] },
  { route: 'GET /{tenant}/dashboard', groups: ['users'] },
];
const ROUTES = ['/users', '/users/:id', '/admin', '/:tenant/dashboard'];
const user = `Bearer ${accessToken(key(), { groups: ['users'] })}`;
const admin = `Bearer ${accessToken(key(), { groups: ['admins'] })}`;

interface App {
  readonly port: number;
  /** The route patterns whose handler ran, in order. */
  readonly ran: string[];
  readonly log: DecisionLog[];
}

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

async function expressApp(): Promise<App> {
  const ran: string[] = [];
  const log: DecisionLog[] = [];
  const app = express();
  app.use(cogauth({ verifier: localVerifier(), rules: RULES, logger: (e) => log.push(e) }));
  for (const route of ROUTES)
    app.get(route, (_req, res) => {
      ran.push(route);
      res.send(route);
    });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as AddressInfo).port, ran, log };
}

async function fastifyApp(options: Record<string, unknown>): Promise<App> {
  const ran: string[] = [];
  const log: DecisionLog[] = [];
  const app: FastifyInstance = Fastify(options);
  app.addHook(
    'onRequest',
    cogauthHook({ verifier: localVerifier(), rules: RULES, logger: (e) => log.push(e) }),
  );
  for (const route of ROUTES)
    app.get(route, async () => {
      ran.push(route);
      return route;
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return { port: (app.server.address() as AddressInfo).port, ran, log };
}

const apps: Record<string, App> = {};
beforeAll(async () => {
  apps.express = await expressApp();
  apps.fastify = await fastifyApp({});
  apps['fastify ignoreTrailingSlash'] = await fastifyApp({ routerOptions: { ignoreTrailingSlash: true } });
  apps['fastify useSemicolonDelimiter'] = await fastifyApp({
    routerOptions: { useSemicolonDelimiter: true },
  });
  // Both cut at `;` although Fastify's initialConfig reads routerOptions.useSemicolonDelimiter: false.
  apps['fastify useSemicolonDelimiter: "false"'] = await fastifyApp({
    routerOptions: { useSemicolonDelimiter: 'false' },
  });
  apps['fastify top-level useSemicolonDelimiter'] = await fastifyApp({
    useSemicolonDelimiter: true,
    routerOptions: { maxParamLength: 100 },
  });
});

describe('the five targets of issue 20 never reach a handler the rules forbid', () => {
  // [app, target, the route the decision log names, its reason]: a `#` is refused outright (the log names
  // no path, so no fragment reaches it); Fastify ends the path at `;` here, so the rules judge `/admin`.
  const cases: [string, string, string, string][] = [
    ['express', '/users/#', 'GET ', 'PATH_INVALID'],
    ['express', '/admin#/dashboard', 'GET ', 'PATH_INVALID'],
    ['fastify', '/admin#/dashboard', 'GET ', 'PATH_INVALID'],
    ['fastify ignoreTrailingSlash', '/users/#', 'GET ', 'PATH_INVALID'],
    ['fastify useSemicolonDelimiter', '/admin;/dashboard', 'GET /admin', 'ROUTE_NOT_PERMITTED'],
  ];
  for (const [name, target, route, reason] of cases) {
    it(`${name} GET ${target}`, async () => {
      const app = apps[name] as App;
      app.ran.length = 0;
      app.log.length = 0;
      const res = await rawRequest(app.port, 'GET', target, { authorization: user });
      expect([res.status, res.body, app.ran]).toEqual([403, '{"message":"Forbidden"}', []]);
      expect(app.log.map((e) => [e.decision, e.reason, e.route])).toEqual([['Deny', reason, route]]);
    });
  }

  it('a `;` is refused where Fastify may end the path there but its validated configuration says it does not', async () => {
    for (const name of [
      'fastify useSemicolonDelimiter: "false"',
      'fastify top-level useSemicolonDelimiter',
    ]) {
      const app = apps[name] as App;
      app.ran.length = 0;
      app.log.length = 0;
      const res = await rawRequest(app.port, 'GET', '/admin;/dashboard', { authorization: user });
      expect([name, res.status, app.ran, app.log.map((e) => e.reason)]).toEqual([
        name,
        403,
        [],
        ['PATH_INVALID'],
      ]);
    }
  });

  it('each app still lets users and admins reach their own routes', async () => {
    for (const [name, app] of Object.entries(apps)) {
      app.ran.length = 0;
      const got = [
        (await rawRequest(app.port, 'GET', '/users/7', { authorization: user })).status,
        (await rawRequest(app.port, 'GET', '/acme/dashboard?x=1', { authorization: user })).status,
        (await rawRequest(app.port, 'GET', '/users', { authorization: user })).status,
        (await rawRequest(app.port, 'GET', '/users', { authorization: admin })).status,
        (await rawRequest(app.port, 'GET', '/admin', { authorization: admin })).status,
      ];
      expect([name, got, app.ran]).toEqual([
        name,
        [200, 200, 403, 200, 200],
        ['/users/:id', '/:tenant/dashboard', '/users', '/admin'],
      ]);
    }
  });
});

describe('the other doors', () => {
  it('Hono refuses a target with a `#`, which it would route without', async () => {
    const app = await honoApp(
      createAuthenticator({ verifier: localVerifier(), rules: rulesFor(''), logger: () => {} }),
      true,
    );
    closers.push(() => app.close());
    const adminToken = `Bearer ${accessToken(key(), { groups: ['admins'] })}`;
    expect(await app.send('GET', '/admin', adminToken)).toEqual({ status: 200, ran: ['/admin'] });
    expect(await app.send('GET', '/admin#/dashboard', adminToken)).toEqual({ status: 403, ran: [] });
  });

  it('Middy refuses a function URL event whose requestContext.http.path differs from rawPath', async () => {
    const log: DecisionLog[] = [];
    const send = middyApp(
      createAuthenticator({ verifier: localVerifier(), rules: rulesFor(''), logger: (e) => log.push(e) }),
      'FUNCTION_URL',
    );
    // @middy/http-router routes on requestContext.http.path; the rules read rawPath.
    expect(await send('GET', '/users/7', '/users/7', user)).toEqual({ status: 200, ran: ['/users/{id}'] });
    expect(await send('GET', '/users/7', '/users', user)).toEqual({ status: 403, ran: [] });
    expect(log.map((e) => e.reason)).toEqual(['ALLOWED', 'PATH_INVALID']);
  });
});

describe('Express mounted routers', () => {
  it('judges the root of a mounted router as the mount path, with or without a trailing slash', async () => {
    const ran: string[] = [];
    const router = express.Router();
    router.use(
      cogauth({
        verifier: localVerifier(),
        rules: [{ route: 'GET /api', groups: ['users'] }],
        logger: () => {},
      }),
    );
    router.get('/', (_req, res) => {
      ran.push('/');
      res.send('root');
    });
    const app = express();
    app.use('/api', router);
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as AddressInfo).port;
    const statuses = [];
    for (const target of ['/api', '/api/', '/api?x=1', '/API', '/api//', '/api/#'])
      statuses.push((await rawRequest(port, 'GET', target, { authorization: user })).status);
    expect([statuses, ran]).toEqual([
      [200, 200, 200, 403, 403, 403],
      ['/', '/', '/'],
    ]);
  });
});

describe('case-blind routers', () => {
  it('refuses rules that only differ in letter case but admit different callers', () => {
    // Express routes /REPORTS to app.get('/reports'): judged by the public rule, it would run the admins' handler.
    const admins = { route: 'GET /reports', groups: ['admins'] };
    const rules = [admins, { route: 'GET /REPORTS', groups: ['users'] }];
    expect(() => cogauth({ verifier: localVerifier(), rules })).toThrow(/^rules\[1\]\.route: .*letter case/);
    const same = [admins, { route: 'GET /REPORTS', groups: ['admins'] }];
    expect(() => createAuthenticator({ verifier: localVerifier(), rules: same })).not.toThrow();
    // A wider admins-only rule around a public carve-out stays fine when case is ignored.
    const carveOut = [
      { route: 'ANY /files/{proxy+}', groups: ['admins'] },
      { route: 'GET /files/Public', groups: ['users', 'admins'] },
    ];
    expect(() => createAuthenticator({ verifier: localVerifier(), rules: carveOut })).not.toThrow();
  });
});

describe('the order of refusals', () => {
  it('refuses a path a router reads differently before the context hook runs, after a missing token', async () => {
    const hooked: string[] = [];
    const log: DecisionLog[] = [];
    const authenticate = createAuthenticator({
      verifier: localVerifier(),
      rules: [{ route: 'GET /{proxy+}' }],
      context: (claims) => {
        hooked.push(String(claims.sub));
        return {};
      },
      logger: (e) => log.push(e),
    });
    const bad = { method: 'GET', path: '/a/../b' };
    expect((await authenticate({ ...bad, authorization: undefined })).status).toBe(401);
    expect((await authenticate({ ...bad, authorization: user })).status).toBe(403);
    expect((await authenticate({ method: 'GET', path: '/a/b', authorization: user })).status).toBe(200);
    expect([hooked.length, log.map((e) => [e.decision, e.reason])]).toEqual([
      1,
      [
        ['Unauthorized', 'TOKEN_MISSING'],
        ['Deny', 'PATH_INVALID'],
        ['Allow', 'ALLOWED'],
      ],
    ]);
  });
});

// Issue 20, item 1: request targets the rules judged as one route while the router ran another handler.
// Reproduced with a raw socket (HTTP clients drop `#…` and normalize paths before sending).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cogauth } from '../../src/express.js';
import { cogauthHook } from '../../src/fastify.js';
import type { DecisionLog } from '../../src/index.js';
import { accessToken, key, localVerifier } from '../helpers/fixtures.js';
import { rawRequest } from '../helpers/raw-http.js';

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

async function fastifyApp(routerOptions: Record<string, boolean>): Promise<App> {
  const ran: string[] = [];
  const log: DecisionLog[] = [];
  const app: FastifyInstance = Fastify({ routerOptions });
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
  apps['fastify ignoreTrailingSlash'] = await fastifyApp({ ignoreTrailingSlash: true });
  apps['fastify useSemicolonDelimiter'] = await fastifyApp({ useSemicolonDelimiter: true });
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

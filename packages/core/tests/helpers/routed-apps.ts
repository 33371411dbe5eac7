// Real Express, Fastify, Hono and Middy apps behind the cogauth adapters, with one handler per route that
// records which route ran, so a test can tell which handler a request really reached.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import middy from '@middy/core';
import httpRouter from '@middy/http-router';
import express from 'express';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { Hono } from 'hono';
import { cogauthExpress as expressAuth } from '../../src/express.js';
import { cogauthFastify as cogauthHook } from '../../src/fastify.js';
import { cogauthHono as honoAuth } from '../../src/hono.js';
import type { Authenticator } from '../../src/index.js';
import { cogauthMiddy } from '../../src/middy.js';
import { rawRequest } from './raw-http.js';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** The route as the rules write it (`/users/{id}`), after the app's mount prefix. */
  readonly path: string;
  /** The groups whose members the rules let reach this handler. */
  readonly owners: readonly string[];
}

/**
 * The routes of every test app and the rules that guard them: issue 20's four, a route whose rule has an
 * upper-case letter (Express, and Fastify with caseSensitive: false, route `/reports` to it), and a
 * public carve-out inside an admins-only `{proxy+}` whose own letter case differs from the request's.
 */
export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/users', owners: ['admins'] },
  { method: 'GET', path: '/users/{id}', owners: ['users'] },
  { method: 'GET', path: '/admin', owners: ['admins'] },
  { method: 'GET', path: '/{tenant}/dashboard', owners: ['users'] },
  { method: 'GET', path: '/Reports', owners: ['admins'] },
  { method: 'POST', path: '/files/Public', owners: ['users', 'admins'] },
  { method: 'POST', path: '/files/{proxy+}', owners: ['admins'] },
];

export function rulesFor(prefix: string) {
  return ROUTES.map((r) => ({ route: `${r.method} ${prefix}${r.path}`, groups: [...r.owners] }));
}

/** An app under test: `send` makes one request and answers its status and the routes whose handler ran. */
export interface RoutedApp {
  send(method: string, target: string, authorization: string): Promise<{ status: number; ran: string[] }>;
  close(): Promise<void>;
}

const pathFor = (route: Route, style: 'colon' | 'express') =>
  route.path.replace('{proxy+}', style === 'express' ? '*proxy' : '*').replace(/\{(\w+)\}/g, ':$1');

function socketApp(port: number, ran: string[], close: () => Promise<void>): RoutedApp {
  return {
    async send(method, target, authorization) {
      ran.length = 0;
      const res = await rawRequest(port, method, target, { authorization });
      return { status: res.status, ran: [...ran] };
    },
    close,
  };
}

export type ExpressLayout = 'app' | 'adapter in mounted router' | 'routes in mounted router';

export interface ExpressRouting {
  /** `case sensitive routing` on the app, `caseSensitive` on the router. */
  readonly caseSensitive: boolean;
  /** `strict routing` on the app, `strict` on the router. */
  readonly strict: boolean;
}

/**
 * Express with the given routing settings. `app`: adapter and routes on the app; `adapter in mounted
 * router`: both in a router mounted at `/api`; `routes in mounted router`: the adapter on the app, the
 * routes in a router mounted at `/api`.
 */
export async function expressApp(
  auth: Authenticator,
  routing: ExpressRouting,
  layout: ExpressLayout,
): Promise<RoutedApp> {
  const ran: string[] = [];
  const app = express();
  app.set('case sensitive routing', routing.caseSensitive);
  app.set('strict routing', routing.strict);
  const router = layout === 'app' ? app : express.Router(routing);
  if (layout === 'routes in mounted router') app.use(expressAuth(auth));
  else router.use(expressAuth(auth));
  for (const route of ROUTES) {
    const handler = (_req: unknown, res: express.Response) => {
      ran.push(route.path);
      res.send('ok');
    };
    if (route.method === 'GET') router.get(pathFor(route, 'express'), handler);
    else router.post(pathFor(route, 'express'), handler);
  }
  if (layout !== 'app') app.use('/api', router);
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return socketApp((server.address() as AddressInfo).port, ran, close);
}

/** Fastify with these server options (find-my-way's types omit `useSemicolonDelimiter`, hence the record). */
export async function fastifyApp(auth: Authenticator, options: Record<string, unknown>): Promise<RoutedApp> {
  const ran: string[] = [];
  const app = Fastify(options as FastifyServerOptions);
  app.addHook('onRequest', cogauthHook(auth));
  for (const route of ROUTES)
    app.route({
      method: route.method,
      url: pathFor(route, 'colon'),
      handler: async () => {
        ran.push(route.path);
        return 'ok';
      },
    });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return socketApp((app.server.address() as AddressInfo).port, ran, () => app.close());
}

export async function honoApp(auth: Authenticator, strict: boolean): Promise<RoutedApp> {
  const ran: string[] = [];
  const app = new Hono({ strict });
  app.use('*', honoAuth(auth));
  for (const route of ROUTES)
    app.on(route.method, pathFor(route, 'colon'), (c) => {
      ran.push(route.path);
      return c.text('ok');
    });
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
  });
  return socketApp(port, ran, () => new Promise<void>((r) => server?.close(() => r())));
}

export type LambdaEvent = 'FUNCTION_URL' | 'ALB';

/**
 * A Lambda handler routed by @middy/http-router (it routes function URL events on
 * `requestContext.http.path`, ALB events on `path`) behind cogauthMiddy. `send` builds the event from a
 * raw path and, for function URLs, the `requestContext.http.path` to put beside it.
 */
export function middyApp(auth: Authenticator, kind: LambdaEvent) {
  const ran: string[] = [];
  const routes = ROUTES.map((route) => ({
    method: route.method,
    path: route.path,
    handler: async () => {
      ran.push(route.path);
      return { statusCode: 200, body: 'ok' };
    },
  }));
  const handler = middy(httpRouter(routes)).use(cogauthMiddy(auth));
  return async (method: string, rawPath: string, httpPath: string, authorization: string) => {
    ran.length = 0;
    const event =
      kind === 'ALB'
        ? {
            requestContext: { elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:1:tg/t/1' } },
            httpMethod: method,
            path: rawPath,
            headers: { authorization },
            body: '',
            isBase64Encoded: false,
          }
        : {
            version: '2.0',
            routeKey: '$default',
            rawPath,
            rawQueryString: '',
            headers: { authorization },
            requestContext: { http: { method, path: httpPath }, domainName: 'x.lambda-url.us-east-1.on.aws' },
            isBase64Encoded: false,
          };
    let status: number;
    try {
      status = ((await handler(event as never, {} as never)) as { statusCode: number }).statusCode;
    } catch (err) {
      status = (err as { statusCode?: number }).statusCode ?? 500;
    }
    return { status, ran: [...ran] };
  };
}

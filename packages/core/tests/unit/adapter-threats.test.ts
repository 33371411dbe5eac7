import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CognitoClaimsOptions } from '@cogauth/test-fixtures';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { isCanonicalPath } from '../../src/adapters/request-path.js';
import { cogauthExpress as cogauth } from '../../src/express.js';
import { cogauthFastify } from '../../src/fastify.js';
import type { CognitoVerifier } from '../../src/index.js';
import {
  type AppSyncAuthorizerResult,
  ConfigError,
  createAuthenticator,
  createAuthorizer,
  type DecisionLog,
} from '../../src/index.js';
import { accessToken, key, localVerifier } from '../helpers/fixtures.js';

const access = (opts: CognitoClaimsOptions = {}): string => accessToken(key(), opts);
const verifier = (): CognitoVerifier => localVerifier();

const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

async function expressApp(
  rules: unknown,
  routes: (app: express.Express) => void,
  auth: Parameters<typeof cogauth>[0] = { verifier: verifier(), rules: rules as string, logger: () => {} },
) {
  const app = express();
  app.use(cogauth(auth));
  routes(app);
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('paths a router reads differently from the rules', () => {
  it('refuses a trailing slash that Express routes to an admin-only route a public wildcard matches', async () => {
    const rules = [{ route: 'GET /messages', groups: ['admin'] }, { route: 'GET /messages/{id}' }];
    const base = await expressApp(rules, (app) => {
      app.get('/messages', (_req, res) => void res.send('every message'));
      app.get('/messages/:id', (_req, res) => void res.send('one message'));
    });
    const headers = { authorization: `Bearer ${access({ groups: ['readers'] })}` };
    expect((await fetch(`${base}/messages/7`, { headers })).status).toBe(200);
    expect((await fetch(`${base}/messages`, { headers })).status).toBe(403);
    const res = await fetch(`${base}/messages/`, { headers });
    expect([res.status, await res.text()]).toEqual([403, '{"message":"Forbidden"}']);
  });

  it('accepts canonical paths and refuses dot segments, empty segments and decoded-by-routers escapes', () => {
    for (const ok of ['/', '/messages', '/messages/42', '/a/b.c/..d', '/a/%20b', '/a/%25', '/a/...'])
      expect(isCanonicalPath(ok), ok).toBe(true);
    for (const bad of [
      '',
      'messages',
      '/messages/',
      '//messages',
      '/a/./b',
      '/a/../b',
      '/a/..',
      '/a/%2e%2E/b',
      '/a/.%2e',
      '/a/%2fb',
      '/a/%5Cb',
      '/a\\b',
      '/a/%6dessages',
      '/a/%zz',
      '/a/%4',
      '/users/#',
      '/admin#/dashboard',
      '/a?b',
      '/a\u0000b',
      `/${'a'.repeat(9000)}`,
    ])
      expect(isCanonicalPath(bad), bad).toBe(false);
  });
});

describe('a HEAD request a router answers with the GET handler', () => {
  // Public HEAD, admins-only GET. Express, and Fastify with exposeHeadRoutes (its default), run the GET
  // handler for a HEAD that has no route of its own: judging `HEAD /report` alone let anyone run it.
  const rules = [{ route: 'HEAD /report' }, { route: 'GET /report', groups: ['admin'] }];
  const reader = () => ({ authorization: `Bearer ${access({ groups: ['readers'] })}` });
  const admin = () => ({ authorization: `Bearer ${access({ groups: ['admin'] })}` });

  it('Express: the GET handler runs only for callers GET admits', async () => {
    let runs = 0;
    const base = await expressApp(rules, (app) =>
      app.get('/report', (_req, res) => {
        runs++;
        res.send('report');
      }),
    );
    expect((await fetch(`${base}/report`, { method: 'HEAD', headers: reader() })).status).toBe(403);
    expect(runs).toBe(0);
    expect((await fetch(`${base}/report`, { method: 'HEAD', headers: admin() })).status).toBe(200);
    expect(runs).toBe(1);
  });

  it('Fastify: the GET handler runs only for callers GET admits', async () => {
    let runs = 0;
    const entries: DecisionLog[] = [];
    const app = Fastify();
    app.addHook('onRequest', cogauthFastify({ verifier: verifier(), rules, logger: (e) => entries.push(e) }));
    app.get('/report', async () => {
      runs++;
      return 'report';
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/report`, { method: 'HEAD', headers: reader() })).status).toBe(403);
      expect(runs).toBe(0);
      expect(entries.at(-1)).toMatchObject({
        decision: 'Deny',
        reason: 'ROUTE_NOT_PERMITTED',
        route: 'HEAD /report',
      });
      expect((await fetch(`${base}/report`, { method: 'HEAD', headers: admin() })).status).toBe(200);
      expect(runs).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('fail-closed adapters', () => {
  it('answers 401 without running the handler when deciding throws', async () => {
    let ran = false;
    const base = await expressApp(
      [],
      (app) =>
        app.get('/x', (_req, res) => {
          ran = true;
          res.send('x');
        }),
      async () => {
        throw new Error('boom');
      },
    );
    const res = await fetch(`${base}/x`, { headers: { authorization: 'Bearer a.b.c' } });
    expect([res.status, await res.text(), ran]).toEqual([401, '{"message":"Unauthorized"}', false]);
  });

  it('turns a verifier crash or a throwing context hook into 401, with only the error class in the log', async () => {
    const entries: DecisionLog[] = [];
    const crash = createAuthenticator({
      verifier: { ...verifier(), verify: async () => Promise.reject(new TypeError('eyJsecret')) },
      rules: [{ route: 'GET /x' }],
      logger: (e) => entries.push(e),
    });
    const hook = createAuthenticator({
      verifier: verifier(),
      rules: [{ route: 'GET /x' }],
      context: () => {
        throw new RangeError('no');
      },
      logger: (e) => entries.push(e),
    });
    const req = { method: 'GET', path: '/x', authorization: `Bearer ${access()}` };
    expect(await crash(req)).toEqual({ status: 401, reason: 'VERIFIER_ERROR' });
    expect(await hook(req)).toEqual({ status: 401, reason: 'CONTEXT_ERROR' });
    expect(entries.map((e) => [e.decision, e.reason, e.error])).toEqual([
      ['Unauthorized', 'VERIFIER_ERROR', 'TypeError'],
      ['Unauthorized', 'CONTEXT_ERROR', 'RangeError'],
    ]);
    expect(JSON.stringify(entries)).not.toContain('eyJsecret');
  });
});

describe('AppSync', () => {
  const rules = [
    { route: 'GRAPHQL Query.messages' },
    { route: 'GRAPHQL Mutation.deleteMessage', groups: ['admin'] },
    { route: 'GRAPHQL Mutation.ban', groups: ['admin', 'mods'] },
    { route: 'GET /messages' },
  ];
  const event = (authorizationToken: string) => ({
    authorizationToken,
    requestContext: {
      apiId: 'api',
      accountId: '123456789012',
      requestId: 'r',
      queryString: '{ messages }',
      variables: {},
    },
  });

  it('denies every protected field the caller may not use, whatever the operation, for at most the token lifetime', async () => {
    const handler = createAuthorizer({
      verifier: verifier(),
      rules,
      logger: () => {},
      appSyncTtlSeconds: 600,
    });
    const reader = (await handler(event(access({ ttlSeconds: 90 })))) as AppSyncAuthorizerResult;
    expect(reader.isAuthorized).toBe(true);
    expect(reader.deniedFields).toEqual(['Mutation.deleteMessage', 'Mutation.ban']);
    expect(reader.ttlOverride).toBeGreaterThan(80);
    expect(reader.ttlOverride).toBeLessThanOrEqual(90);
    // A bare token (AppSync passes the header as is) and the configured TTL as the other bound.
    const admin = (await handler(
      event(access({ groups: ['admin'], ttlSeconds: 7200 })),
    )) as AppSyncAuthorizerResult;
    expect([admin.deniedFields, admin.ttlOverride]).toEqual([[], 600]);
    expect(await handler(event('Bearer x.y.z'))).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });

  it('refuses two rules on one field with different requirements, naming the rule', () => {
    const clash = [{ route: 'GRAPHQL Mutation.ban', groups: ['admin'] }, { route: 'GRAPHQL Mutation.ban' }];
    expect(() => createAuthorizer({ verifier: verifier(), rules: clash })).toThrow(ConfigError);
    expect(() => createAuthorizer({ verifier: verifier(), rules: clash })).toThrow(/rules\[0\]\.route/);
    expect(() => createAuthorizer({ verifier: verifier(), rules: [{ route: 'GRAPHQL Mutation' }] })).toThrow(
      /rules\[0\]\.route/,
    );
    expect(() => createAuthorizer({ verifier: verifier(), rules, appSyncTtlSeconds: 3601 })).toThrow(
      /appSyncTtlSeconds/,
    );
  });
});

// A logger that throws or rejects changes no decision and crashes nothing, in every entry point: each door
// answers the same four callers with a failing logger exactly as with a working one, and no promise
// rejection is left unhandled (Node ends the process on one: see the child-process test at the end).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { cognitoAccessClaims, generateTestKey, jwksOf, signJwt } from '@cogauth/test-fixtures';
import { serve } from '@hono/node-server';
import middy from '@middy/core';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cogauthExpress as expressAuth } from '../../src/express.js';
import { cogauthFastify as cogauthHook } from '../../src/fastify.js';
import { cogauthHono as honoAuth } from '../../src/hono.js';
import {
  type CognitoVerifier,
  createAuthenticator,
  createAuthorizer,
  createCognitoVerifier,
  type DecisionLog,
} from '../../src/index.js';
import { cogauthMiddy } from '../../src/middy.js';
import { httpApiEvent, tokenEvent, websocketConnectEvent } from '../helpers/fixtures.js';

const RULES = [
  ...JSON.parse(readFileSync(new URL('../helpers/entry-point-rules.json', import.meta.url), 'utf8')),
  { route: '$connect', groups: ['admin'] },
];
const POOL = 'us-east-1_TestPool1';
const CLIENT = 'loggerclient0123456789abc';
const key = generateTestKey({ alg: 'RS256', kid: 'logger' });
const forger = generateTestKey({ alg: 'RS256', kid: 'logger' });

type Logger = (entry: DecisionLog) => void;
const failing: Record<string, Logger> = {
  'throws synchronously': () => {
    throw new Error('log sink down');
  },
  'rejects (an async logger)': (async () => {
    throw new Error('log sink down');
  }) as Logger,
};

function token(groups: string[], signer = key): string {
  return signJwt(
    cognitoAccessClaims({ poolId: POOL, clientId: CLIENT, groups, sub: `user-${groups.join('-')}` }),
    signer,
  );
}
const callers: Record<string, string | undefined> = {
  'no token': undefined,
  'bad signature': `Bearer ${token(['admin'], forger)}`,
  'valid, without rights': `Bearer ${token(['readers'])}`,
  'valid, with rights': `Bearer ${token(['admin'])}`,
};

let verifier: CognitoVerifier;
const closers: (() => Promise<unknown>)[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(() => {
  verifier = createCognitoVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    tokenUse: 'access',
    jwks: jwksOf(key),
  });
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  for (const close of closers.reverse()) await close();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Everything a client sees: status, the WWW-Authenticate header and the body. */
async function overHttp(base: string, authorization: string | undefined): Promise<unknown> {
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const res = await fetch(`${base}/messages/42`, { method: 'DELETE', headers });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text() };
}

/** The handler's answer, or the message it threw. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { answer: await run() };
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

/** One entry point: answers a caller's `Authorization` value with the given logger. */
type Door = (authorization: string | undefined, logger: Logger) => Promise<unknown>;

/** An HTTP server door: built once, its logger switched per call through `current`. */
async function serverDoor(start: (logger: Logger) => Promise<string>): Promise<Door> {
  let current: Logger = () => {};
  const base = await start((entry) => current(entry));
  return (authorization, logger) => {
    current = logger;
    return overHttp(base, authorization);
  };
}

const doors: Record<string, () => Promise<Door>> = {
  'createAuthorizer, REST TOKEN': async () => (authorization, logger) =>
    outcome(() =>
      createAuthorizer({ verifier, rules: RULES, logger })(
        tokenEvent(authorization ?? '', 'DELETE/messages/42'),
      ),
    ),
  'createAuthorizer, HTTP API': async () => (authorization, logger) =>
    outcome(() =>
      createAuthorizer({ verifier, rules: RULES, logger })(httpApiEvent(authorization, 'DELETE/messages/42')),
    ),
  'createAuthorizer, HTTP API simple': async () => (authorization, logger) =>
    outcome(() =>
      createAuthorizer({ verifier, rules: RULES, logger, httpApiResponse: 'simple' })(
        httpApiEvent(authorization, 'DELETE/messages/42'),
      ),
    ),
  'createAuthorizer, WebSocket $connect': async () => (authorization, logger) =>
    outcome(() =>
      createAuthorizer({ verifier, rules: RULES, logger })(
        websocketConnectEvent(authorization ? { Authorization: authorization } : {}),
      ),
    ),
  'createAuthorizer, AppSync': async () => (authorization, logger) =>
    outcome(() =>
      createAuthorizer({ verifier, rules: RULES, logger })({
        authorizationToken: authorization ?? '',
        requestContext: {
          apiId: 'abcdefghijklmnopqrstuvwxyz',
          accountId: '123456789012',
          requestId: 'req-1',
          queryString: 'mutation Del { deleteMessage(id: "42") { id } }',
          operationName: 'Del',
          variables: {},
        },
      }),
    ),
  createAuthenticator: async () => async (authorization, logger) => {
    const { claims: _claims, ...rest } = await createAuthenticator({ verifier, rules: RULES, logger })({
      method: 'DELETE',
      path: '/messages/42',
      authorization,
    });
    return rest;
  },
  Express: () =>
    serverDoor(async (logger) => {
      const app = express();
      app.use(expressAuth({ verifier, rules: RULES, logger }));
      app.delete('/messages/:id', (_req, res) => res.json({ ok: true }));
      return listen(createServer(app));
    }),
  Fastify: () =>
    serverDoor(async (logger) => {
      const app = Fastify();
      app.addHook('onRequest', cogauthHook({ verifier, rules: RULES, logger }));
      app.delete('/messages/:id', async () => ({ ok: true }));
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      closers.push(() => app.close());
      return address;
    }),
  Hono: () =>
    serverDoor((logger) => {
      const app = new Hono();
      app.use('*', honoAuth({ verifier, rules: RULES, logger }));
      app.delete('/messages/:id', (c) => c.json({ ok: true }));
      return new Promise<string>((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
          resolve(`http://127.0.0.1:${info.port}`),
        );
        closers.push(() => new Promise((r) => server.close(r)));
      });
    }),
  'Middy, function URL': async () => (authorization, logger) =>
    outcome(() =>
      middy(async () => ({ statusCode: 200, body: 'ok' })).use(
        cogauthMiddy({ verifier, rules: RULES, logger }),
      )(
        {
          version: '2.0',
          routeKey: '$default',
          rawPath: '/messages/42',
          rawQueryString: '',
          headers: authorization ? { authorization } : {},
          requestContext: { http: { method: 'DELETE', path: '/messages/42' } },
          isBase64Encoded: false,
        },
        {} as never,
      ),
    ),
};

/** Lets Node report a rejection that nothing handled (it does so once the microtask queue drains). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('a failing logger changes no decision and leaves no rejection unhandled', () => {
  for (const [name, open] of Object.entries(doors)) {
    it(name, async () => {
      unhandled.length = 0;
      const door = await open();
      for (const [caller, authorization] of Object.entries(callers)) {
        const entries: DecisionLog[] = [];
        const expected = await door(authorization, (entry) => entries.push(entry));
        expect(entries, caller).toHaveLength(1);
        for (const [how, logger] of Object.entries(failing)) {
          expect(await door(authorization, logger), `${caller}, logger ${how}`).toEqual(expected);
          await settle();
          expect(unhandled, `${caller}, logger ${how}`).toEqual([]);
        }
      }
    });
  }
});

const SERVER = `
import { createCognitoVerifier } from '@cogauth/core';
import { cogauthExpress } from '@cogauth/core/express';
import express from 'express';
const app = express();
app.use(cogauthExpress({
  verifier: createCognitoVerifier(JSON.parse(process.env.OPTIONS)),
  rules: [{ route: 'GET /messages' }],
  logger: async () => { throw new Error('log sink down'); },
}));
app.get('/messages', (req, res) => res.json({ sub: req.auth.claims.sub }));
const server = app.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

describe('an Express server with an async logger that rejects', () => {
  it('keeps answering: the process survives every decision', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        OPTIONS: JSON.stringify({
          userPoolId: POOL,
          clientId: CLIENT,
          tokenUse: 'access',
          jwks: jwksOf(key),
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk) => resolve(String(chunk).trim()));
        exited.then((code) => reject(new Error(`server exited (${code}): ${stderr}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      const get = async (authorization?: string) =>
        (await fetch(`${base}/messages`, { headers: authorization ? { authorization } : {} })).status;
      // Each request logs once; on the old code the first rejection ended the process.
      expect(await get(callers['valid, with rights'])).toBe(200);
      expect(await get()).toBe(401);
      await settle();
      expect(await get(callers['valid, without rights'])).toBe(200);
      expect(await get(callers['bad signature'])).toBe(401);
      expect(child.exitCode).toBeNull();
      expect(stderr).toBe('');
    } finally {
      child.kill();
      await exited;
    }
  });
});

// One rules file, the same four callers, every entry point: identical decisions.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  signJwt,
  startJwksServer,
} from '@cogauth/test-fixtures';
import { serve } from '@hono/node-server';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cogauthExpress as expressAuth } from '../../src/express.js';
import { cogauthFastify as cogauthHook } from '../../src/fastify.js';
import { cogauthHono as honoAuth } from '../../src/hono.js';
import {
  type AppSyncAuthorizerResult,
  type AuthorizerPolicyResult,
  type AuthResult,
  type CognitoVerifier,
  createAuthenticator,
  createAuthorizer,
  createCognitoVerifier,
  type DecisionLog,
} from '../../src/index.js';
import { cogauthMiddy } from '../../src/middy.js';
import { evaluatePolicy } from '../helpers/assertions.js';

const RULES = readFileSync(new URL('../helpers/entry-point-rules.json', import.meta.url), 'utf8');
const POOL = 'us-east-1_EntryPts1';
const CLIENT = 'entryclient0123456789abcd';
const ARN = 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/';
const key = generateTestKey({ alg: 'RS256', kid: 'entry' });
const forger = generateTestKey({ alg: 'RS256', kid: 'entry' });

type Expected = 200 | 401 | 403;
interface Case {
  name: string;
  authorization: string | undefined;
  expected: Expected;
  reason: string;
}

let jwks: JwksServer;
let verifier: CognitoVerifier;
let cases: Case[];
const closers: (() => Promise<unknown>)[] = [];

function token(groups: string[], signer = key): string {
  return signJwt(
    cognitoAccessClaims({ poolId: POOL, clientId: CLIENT, groups, sub: `user-${groups.join('-')}` }),
    signer,
  );
}

beforeAll(async () => {
  jwks = await startJwksServer({ poolId: POOL, jwks: jwksOf(key) });
  closers.push(() => jwks.close());
  verifier = createCognitoVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    tokenUse: 'access',
    jwksUri: jwks.jwksUrl,
  });
  cases = [
    { name: 'no token', authorization: undefined, expected: 401, reason: 'TOKEN_MISSING' },
    {
      name: 'bad signature',
      authorization: `Bearer ${token(['admin'], forger)}`,
      expected: 401,
      reason: 'SIGNATURE_INVALID',
    },
    {
      name: 'valid, without rights',
      authorization: `Bearer ${token(['readers'])}`,
      expected: 403,
      reason: 'ROUTE_NOT_PERMITTED',
    },
    {
      name: 'valid, with rights',
      authorization: `Bearer ${token(['admin'])}`,
      expected: 200,
      reason: 'ALLOWED',
    },
  ];
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

function logs(): { entries: DecisionLog[]; logger: (e: DecisionLog) => void } {
  const entries: DecisionLog[] = [];
  return { entries, logger: (e) => entries.push(e) };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What a client of an HTTP server sees, checked the same way for every framework. */
async function overHttp(base: string, c: Case): Promise<Expected> {
  const headers: Record<string, string> = c.authorization ? { authorization: c.authorization } : {};
  const res = await fetch(`${base}/messages/42?x=1`, { method: 'DELETE', headers });
  const body = await res.text();
  if (res.status === 200) expect(JSON.parse(body)).toEqual({ sub: 'user-admin' });
  if (res.status === 401) {
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer( error="invalid_token")?$/);
    expect(body).toBe('{"message":"Unauthorized"}');
  }
  if (res.status === 403) {
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    expect(body).toBe('{"message":"Forbidden"}');
  }
  return res.status as Expected;
}

type Door = (c: Case, log: (e: DecisionLog) => void) => Promise<Expected>;

const doors: Record<string, () => Promise<Door>> = {
  'API Gateway REST (policy evaluation)': async () => async (c, logger) => {
    const handler = createAuthorizer({ verifier, rules: RULES, logger });
    const event = {
      type: 'TOKEN',
      authorizationToken: c.authorization ?? '',
      methodArn: `${ARN}DELETE/messages/42`,
    };
    try {
      const result = (await handler(event)) as AuthorizerPolicyResult;
      return evaluatePolicy(result, event.methodArn) === 'Allow' ? 200 : 403;
    } catch (err) {
      expect((err as Error).message).toBe('Unauthorized');
      return 401;
    }
  },
  Express: async () => {
    const app = express();
    let logger: (e: DecisionLog) => void = () => {};
    app.use(expressAuth(createAuthenticator({ verifier, rules: RULES, logger: (e) => logger(e) })));
    app.delete('/messages/:id', (req, res) => {
      res.json({ sub: (req as unknown as { auth: AuthResult }).auth.claims?.sub });
    });
    const base = await listen(createServer(app));
    return (c, log) => {
      logger = log;
      return overHttp(base, c);
    };
  },
  Fastify: async () => {
    const app = Fastify();
    let logger: (e: DecisionLog) => void = () => {};
    app.addHook(
      'onRequest',
      cogauthHook(createAuthenticator({ verifier, rules: RULES, logger: (e) => logger(e) })),
    );
    app.delete('/messages/:id', async (request) => ({
      sub: (request as unknown as { auth: AuthResult }).auth.claims?.sub,
    }));
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    return (c, log) => {
      logger = log;
      return overHttp(address, c);
    };
  },
  Hono: async () => {
    const app = new Hono<{ Variables: { auth: AuthResult } }>();
    let logger: (e: DecisionLog) => void = () => {};
    app.use('*', honoAuth(createAuthenticator({ verifier, rules: RULES, logger: (e) => logger(e) })));
    app.delete('/messages/:id', (c) => c.json({ sub: c.get('auth').claims?.sub }));
    const base = await new Promise<string>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
        resolve(`http://127.0.0.1:${info.port}`),
      );
      closers.push(() => new Promise((r) => server.close(r)));
    });
    return (c, log) => {
      logger = log;
      return overHttp(base, c);
    };
  },
  'Lambda function URL through Middy': async () => async (c, logger) => {
    const handler = middy(async (_event: unknown, context: Context) => ({
      statusCode: 200,
      body: JSON.stringify({ sub: (context as { auth?: AuthResult }).auth?.claims?.sub }),
    })).use(cogauthMiddy({ verifier, rules: RULES, logger }));
    const headers: Record<string, string> = c.authorization ? { authorization: c.authorization } : {};
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/messages/42',
      rawQueryString: '',
      headers,
      requestContext: {
        http: { method: 'DELETE', path: '/messages/42' },
        domainName: 'x.lambda-url.us-east-1.on.aws',
      },
      isBase64Encoded: false,
    };
    const res = (await handler(event, {} as never)) as {
      statusCode: Expected;
      body: string;
      headers: Record<string, string>;
    };
    if (res.statusCode === 200) expect(JSON.parse(res.body)).toEqual({ sub: 'user-admin' });
    else expect(res.body).not.toMatch(/ROUTE|TOKEN|SIGNATURE/);
    return res.statusCode;
  },
  'ALB through Middy': async () => async (c, logger) => {
    const handler = middy(async (_event: unknown, context: Context) => ({
      statusCode: 200,
      body: JSON.stringify({ sub: (context as { auth?: AuthResult }).auth?.claims?.sub }),
    })).use(cogauthMiddy({ verifier, rules: RULES, logger }));
    const multiValueHeaders: Record<string, string[]> = c.authorization
      ? { Authorization: [c.authorization] }
      : {};
    const event = {
      requestContext: {
        elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1' },
      },
      httpMethod: 'DELETE',
      path: '/messages/42',
      multiValueQueryStringParameters: {},
      multiValueHeaders,
      body: '',
      isBase64Encoded: false,
    };
    const res = (await handler(event, {} as never)) as {
      statusCode: Expected;
      multiValueHeaders?: Record<string, string[]>;
      statusDescription?: string;
    };
    if (res.statusCode !== 200) {
      expect(res.multiValueHeaders?.['www-authenticate']?.[0]).toMatch(/^Bearer/);
      expect(res.statusDescription).toBe(res.statusCode === 401 ? '401 Unauthorized' : '403 Forbidden');
    }
    return res.statusCode;
  },
  'AppSync field Mutation.deleteMessage': async () => async (c, logger) => {
    const handler = createAuthorizer({ verifier, rules: RULES, logger });
    const result = (await handler({
      authorizationToken: c.authorization ?? '',
      requestContext: {
        apiId: 'abcdefghijklmnopqrstuvwxyz',
        accountId: '123456789012',
        requestId: 'req-1',
        queryString: 'mutation Del { deleteMessage(id: "42") { id } }',
        operationName: 'Del',
        variables: {},
      },
    })) as AppSyncAuthorizerResult;
    if (!result.isAuthorized) {
      expect(result).toEqual({ isAuthorized: false, ttlOverride: 0 });
      return 401;
    }
    expect(result.ttlOverride).toBeGreaterThan(0);
    expect(result.ttlOverride).toBeLessThanOrEqual(300);
    return result.deniedFields?.includes('Mutation.deleteMessage') ? 403 : 200;
  },
};

describe('one rules file, every entry point', () => {
  for (const [name, open] of Object.entries(doors)) {
    it(name, async () => {
      const door = await open();
      const got: Record<string, [Expected, string | undefined]> = {};
      const want: Record<string, [Expected, string]> = {};
      for (const c of cases) {
        const log = logs();
        const status = await door(c, log.logger);
        expect(log.entries).toHaveLength(1);
        got[c.name] = [status, log.entries[0]?.reason];
        // AppSync answers every verified caller isAuthorized (ALLOWED) and denies the field itself.
        want[c.name] = [c.expected, name.startsWith('AppSync') && c.expected === 403 ? 'ALLOWED' : c.reason];
      }
      expect(got).toEqual(want);
    });
  }
});

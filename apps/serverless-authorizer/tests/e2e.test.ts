import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { SAMPLE_POOL, type SampleUserName } from '@cogauth/sample';
import {
  cognitoAccessClaims,
  generateTestKey,
  type JwksServer,
  jwksOf,
  type LocalStack,
  signJwt,
  startJwksServer,
  startLocalStack,
  startOffline,
} from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// cognito-local stands in for Cognito, serverless offline for API Gateway + Lambda; the authorizer is
// the real core bundle, added by @cogauth/serverless-plugin. A second pool, served by a local JWKS server whose key we
// hold, lets the test sign tokens Cognito would never issue (expired ones).

const SECOND_POOL_CLIENT = 'second-pool-client';
const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

let stack: LocalStack<SampleUserName> | undefined;
let jwksServer: JwksServer | undefined;
const testKey = generateTestKey({ kid: 'second-pool-key' });
const usedTokens: string[] = [];
let jwksFetchesBeforeOffline = 0;

function live(): LocalStack<SampleUserName> {
  if (!stack) throw new Error('local stack did not start');
  return stack;
}

function secondPool(): JwksServer {
  if (!jwksServer) throw new Error('JWKS server did not start');
  return jwksServer;
}

function secondPoolToken(opts: { groups: string[]; sub: string; expiredSecondsAgo?: number }): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = cognitoAccessClaims({
    issuer: secondPool().issuer,
    poolId: secondPool().poolId,
    clientId: SECOND_POOL_CLIENT,
    sub: opts.sub,
    username: `user-${opts.sub}`,
    groups: opts.groups,
    now: opts.expiredSecondsAgo === undefined ? now : now - 3600 - opts.expiredSecondsAgo,
    ttlSeconds: 3600,
  });
  const token = signJwt(claims, testKey);
  usedTokens.push(token);
  return token;
}

/** The same token with its payload changed (admin added to the groups), the signature kept. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims['cognito:groups'] = ['readers', 'writers', 'admin'];
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

interface Reply {
  status: number;
  body: unknown;
}

async function call(
  base: string,
  method: string,
  path: string,
  authorization?: string,
  body?: unknown,
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.Authorization = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (emulator error pages)
  }
  return { status: response.status, body: parsed };
}

/** GET with the header name sent exactly as given (fetch would lowercase it). */
function getWithHeaderName(url: string, name: string, value: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { [name]: value }, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function bearer(token: string): string {
  return `Bearer ${token}`;
}

function accessToken(user: SampleUserName): string {
  const token = live().users[user].tokens.accessToken;
  usedTokens.push(token);
  return token;
}

beforeAll(async () => {
  jwksServer = await startJwksServer({ jwks: jwksOf(testKey) });

  // The second pool's keys are embedded in its verifier options: the authorizer never fetches them.
  const embedded = jwksOf(testKey);
  jwksFetchesBeforeOffline = jwksServer.requestCount();

  stack = await startLocalStack({
    serviceDir: APP_DIR,
    ...SAMPLE_POOL,
    extraPools: [
      {
        userPoolId: jwksServer.poolId,
        issuer: jwksServer.issuer,
        jwksUri: jwksServer.jwksUrl,
        tokenUse: 'access',
        clientId: SECOND_POOL_CLIENT,
        jwks: embedded,
      },
    ],
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await jwksServer?.close();
}, 30_000);

describe.each([
  { api: 'REST API, TOKEN authorizer', base: () => live().restUrl },
  { api: 'HTTP API, payload 2.0 IAM policy answers', base: () => live().httpApiUrl },
])('$api', ({ base }) => {
  it('answers 401 without an Authorization header', async () => {
    expect((await call(base(), 'GET', '/messages')).status).toBe(401);
    expect((await call(base(), 'GET', '/me')).status).toBe(401);
  });

  // API Gateway lowercases header names in HTTP API events, serverless-offline keeps them as sent:
  // the authorizer must not care either way.
  it('accepts the Authorization header and Bearer scheme in any case', async () => {
    const token = accessToken('reader');
    for (const [name, scheme] of [
      ['AUTHORIZATION', 'Bearer'],
      ['authorization', 'bearer'],
      ['Authorization', 'BEARER'],
    ]) {
      expect(await getWithHeaderName(`${base()}/me`, name as string, `${scheme} ${token}`)).toBe(200);
    }
  });

  it('answers 401 for garbage and for a tampered token', async () => {
    expect((await call(base(), 'GET', '/messages', 'Bearer not.a.jwt')).status).toBe(401);
    expect((await call(base(), 'GET', '/messages', 'Basic dXNlcjpwYXNz')).status).toBe(401);
    const forged = tampered(accessToken('reader'));
    expect((await call(base(), 'DELETE', '/messages/1', bearer(forged))).status).toBe(401);
    expect((await call(base(), 'GET', '/messages', bearer(forged))).status).toBe(401);
  });

  it('answers 401 for an expired token of a configured pool', async () => {
    const expired = secondPoolToken({ groups: ['admin'], sub: 'expired-admin', expiredSecondsAgo: 60 });
    expect((await call(base(), 'GET', '/messages', bearer(expired))).status).toBe(401);
    expect((await call(base(), 'DELETE', '/messages/1', bearer(expired))).status).toBe(401);
  });

  it('lets a reader list messages but answers 403 to its POST and DELETE', async () => {
    const token = bearer(accessToken('reader'));
    expect((await call(base(), 'GET', '/messages', token)).status).toBe(200);
    expect((await call(base(), 'POST', '/messages', token, { text: 'hi' })).status).toBe(403);
    expect((await call(base(), 'DELETE', '/messages/1', token)).status).toBe(403);
  });

  it('lets a writer post a message, authored by the caller the authorizer named', async () => {
    const reply = await call(base(), 'POST', '/messages', bearer(accessToken('writer')), { text: 'hello' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ message: { text: 'hello', author: 'writer' } });
    expect((await call(base(), 'DELETE', '/messages/1', bearer(accessToken('writer')))).status).toBe(403);
  });

  it('lets an admin delete a message', async () => {
    const reply = await call(base(), 'DELETE', '/messages/42', bearer(accessToken('admin')));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: '42' });
  });

  it("returns the caller's sub and groups from the authorizer context on GET /me", async () => {
    for (const name of ['reader', 'writer', 'admin'] as const) {
      const user = live().users[name];
      const reply = await call(base(), 'GET', '/me', bearer(accessToken(name)));
      expect(reply.status).toBe(200);
      const body = reply.body as { groups: string[] };
      expect(body).toMatchObject({
        sub: user.sub,
        username: name,
        tokenUse: 'access',
        clientId: live().client.clientId,
      });
      expect([...body.groups].sort()).toEqual([...user.groups].sort());
    }
  });

  it('accepts a valid token of the second pool, verified with the embedded JWKS', async () => {
    const token = bearer(secondPoolToken({ groups: ['admin'], sub: 'second-pool-admin' }));
    expect((await call(base(), 'DELETE', '/messages/7', token)).status).toBe(200);
    const me = await call(base(), 'GET', '/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'second-pool-admin', groups: ['admin'] });
  });
});

// serverless-offline's REST methodArn has a fake account and the route template as its path, and it
// never caches. Invoking the bundle through the emulator's Lambda API with an ARN shaped like API
// Gateway's shows what API Gateway would cache for 300 s and replay for every route of the API.
describe('the authorizer invoked with API Gateway-shaped TOKEN events', () => {
  const apiPrefix = 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/prod';

  async function invokeToken(user: 'reader' | 'writer' | 'admin', route: string): Promise<unknown> {
    const url = `http://127.0.0.1:${live().offline.lambdaPort}/2015-03-31/functions/cogauth-sample-dev-cogauthAuthorizer/invocations`;
    const event = {
      type: 'TOKEN',
      authorizationToken: bearer(accessToken(user)),
      methodArn: `${apiPrefix}/${route}`,
    };
    const response = await fetch(url, { method: 'POST', body: JSON.stringify(event) });
    expect(response.status).toBe(200);
    return response.json();
  }

  it('allows every route the caller may use in one policy, whichever route was asked', async () => {
    for (const route of ['GET/messages', 'GET/me', 'DELETE/messages/42']) {
      expect(await invokeToken('writer', route)).toMatchObject({
        policyDocument: {
          Statement: expect.arrayContaining([
            {
              Action: 'execute-api:Invoke',
              Effect: 'Allow',
              Resource: [`${apiPrefix}/GET/messages`, `${apiPrefix}/POST/messages`, `${apiPrefix}/GET/me`],
            },
          ]),
        },
      });
    }
  });

  it('denies only the asked route when the caller may not use it', async () => {
    const policy = (await invokeToken('reader', 'POST/messages')) as {
      policyDocument: { Statement: { Effect: string; Resource: string[] }[] };
    };
    expect(policy.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${apiPrefix}/GET/messages`, `${apiPrefix}/GET/me`],
      },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${apiPrefix}/POST/messages`] },
    ]);
  });

  it("covers the admin's DELETE on any message id", async () => {
    const policy = (await invokeToken('admin', 'DELETE/messages/42')) as {
      policyDocument: { Statement: { Effect: string; Resource: string[] }[] };
    };
    const allowed = policy.policyDocument.Statement.filter((s) => s.Effect === 'Allow').flatMap(
      (s) => s.Resource,
    );
    expect(allowed).toContain(`${apiPrefix}/DELETE/messages/*`);
  });
});

describe('the authorizer, seen from outside', () => {
  it('never fetched the embedded pool’s JWKS', () => {
    expect(secondPool().requestCount()).toBe(jwksFetchesBeforeOffline);
  });

  it('logged a decision per request, with the verification reason, and never a token', () => {
    const output = live().offline.output();
    const decisions = output
      .split('\n')
      .filter((line) => line.includes('"cogauth authorizer decision"'))
      .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { decision: string; reason: string });
    expect(decisions.map((d) => d.reason)).toEqual(
      expect.arrayContaining(['ALLOWED', 'ROUTE_NOT_PERMITTED', 'TOKEN_EXPIRED', 'SIGNATURE_INVALID']),
    );
    for (const token of usedTokens) {
      const signature = token.split('.')[2] as string;
      expect(output).not.toContain(signature);
    }
  });
});

describe('a misconfigured authorizer', () => {
  it('never starts: serverless offline stops with the plugin naming the missing setting', async () => {
    const started = startOffline({
      serviceDir: APP_DIR,
      env: { COGAUTH_POOLS: '', COGAUTH_USER_POOL_ID: '' },
    });
    await expect(started).rejects.toThrow('custom.cogauth.userPoolId: is required');
  });
});

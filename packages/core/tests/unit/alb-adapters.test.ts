import { createServer, type Server } from 'node:http';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlbVerifier } from '../../src/alb.js';
import { cogauthExpress } from '../../src/express.js';
import type { AuthResult, DecisionLog } from '../../src/index.js';
import { cogauthMiddy } from '../../src/middy.js';
import {
  ALB_ARN,
  ALB_CLIENT,
  ALB_ISSUER,
  type AlbKeyServer,
  albKey,
  albToken,
  startAlbKeyServer,
} from '../helpers/alb.js';
import { accessToken } from '../helpers/fixtures.js';

// An ALB verifier in place of the Cognito verifier: the adapters read x-amzn-oidc-data (the raw token, no
// scheme) and never Authorization. Rules without groups admit any user the load balancer authenticated;
// the user info an ALB passes has no cognito:groups, so a rule needing a group answers 403.
const RULES = [{ route: 'GET /me' }, { route: 'GET /admin', groups: ['admin'] }];
const key = albKey();
let keys: AlbKeyServer;
let server: Server;
let base: string;
const logs: DecisionLog[] = [];

const verifier = () =>
  createAlbVerifier({
    albArn: ALB_ARN,
    clientId: ALB_CLIENT,
    issuer: ALB_ISSUER,
    keyEndpoint: keys.endpoint,
  });

beforeAll(async () => {
  keys = await startAlbKeyServer();
  keys.serve(key);
  const app = express();
  app.use(cogauthExpress({ verifier: verifier(), rules: RULES, logger: (e) => logs.push(e) }));
  app.get('/me', (req, res) => {
    const auth = (req as unknown as { auth: AuthResult }).auth;
    res.json({ sub: auth.claims?.sub, context: auth.context });
  });
  app.get('/admin', (_req, res) => res.json({ admin: true }));
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await keys.close();
});

describe('Express with an ALB verifier (a real server on 127.0.0.1)', () => {
  it('takes the token from x-amzn-oidc-data, as the load balancer sends it', async () => {
    const token = albToken(key, { payload: { sub: 'user-7', username: 'alice' } });
    const res = await fetch(`${base}/me`, { headers: { 'x-amzn-oidc-data': token } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sub: 'user-7',
      context: { sub: 'user-7', username: 'alice', groups: '[]' },
    });
  });

  it('never reads the token from Authorization, and refuses a Cognito token in the ALB header', async () => {
    const token = albToken(key);
    expect((await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${base}/me`, { headers: { 'x-amzn-oidc-data': accessToken() } })).status).toBe(401);
    expect(logs.at(-1)?.reason).toBe('TOKEN_MALFORMED');
    expect((await fetch(`${base}/me`)).status).toBe(401);
    expect(logs.at(-1)?.reason).toBe('TOKEN_MISSING');
  });

  it('answers 403 for a rule that needs a group the user info does not carry', async () => {
    const res = await fetch(`${base}/admin`, { headers: { 'x-amzn-oidc-data': albToken(key) } });
    expect(res.status).toBe(403);
  });
});

describe('Middy with an ALB verifier (ALB events)', () => {
  const handler = () =>
    middy(async (_event: unknown, context: Context) => ({
      statusCode: 200,
      body: JSON.stringify({ sub: (context as { auth?: AuthResult }).auth?.claims?.sub }),
    })).use(cogauthMiddy({ verifier: verifier(), rules: RULES, logger: () => {} }));
  const albEvent = (headers: Record<string, string[]>) => ({
    requestContext: {
      elb: { targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1' },
    },
    httpMethod: 'GET',
    path: '/me',
    multiValueQueryStringParameters: {},
    multiValueHeaders: headers,
    body: '',
    isBase64Encoded: false,
  });

  it('reads x-amzn-oidc-data in any letter case', async () => {
    const res = (await handler()(
      albEvent({ 'X-Amzn-Oidc-Data': [albToken(key, { payload: { sub: 'user-9' } })] }),
      {} as never,
    )) as {
      statusCode: number;
      body: string;
    };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sub: 'user-9' });
  });

  it('refuses two different values of the header', async () => {
    const event = albEvent({ 'x-amzn-oidc-data': [albToken(key), albToken(key)] });
    expect(((await handler()(event, {} as never)) as { statusCode: number }).statusCode).toBe(401);
  });
});

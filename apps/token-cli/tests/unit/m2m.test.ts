import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthEndpoint } from '../../src/oauth.js';
import { type RunOptions, runCli as runRaw } from '../helpers/run-cli.js';

const runCli = (args: string[], options: RunOptions = {}) => runRaw(args, { ...options, stripNotices: true });

// cognito-local has no /oauth2/token, so a tiny token endpoint on 127.0.0.1 plays the pool domain.
const CLIENT_ID = 'm2mclient123';
const CLIENT_SECRET = 'm2m-secret-456';
const ALLOWED_SCOPES = new Set(['orders/read', 'orders/write']);

interface Seen {
  path: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => resolve(body));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    seen.push({
      path: req.url,
      authorization: req.headers.authorization,
      contentType: req.headers['content-type'],
      form,
    });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/oauth2/token') return reply(404, { error: 'not_found' });
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return reply(400, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'client_credentials')
      return reply(400, { error: 'unsupported_grant_type' });
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !ALLOWED_SCOPES.has(s)))
      return reply(400, { error: 'invalid_scope' });
    return reply(200, {
      access_token: `m2m.${Buffer.from(scopes.join(' ')).toString('base64url')}.sig`,
      expires_in: 3600,
      token_type: 'Bearer',
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const args = (...extra: string[]) => ['m2m', '--domain', base, '--client-id', CLIENT_ID, ...extra];

describe('cogauth m2m (client_credentials)', () => {
  it('posts grant_type and scopes with Basic auth and prints only the token', async () => {
    const res = await runCli(args('--scope', 'orders/read', '--scope', 'orders/write'), {
      env: { COGAUTH_CLIENT_SECRET: CLIENT_SECRET },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`m2m.${Buffer.from('orders/read orders/write').toString('base64url')}.sig\n`);
    const request = seen.at(-1);
    expect(request?.path).toBe('/oauth2/token');
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(request?.form.get('grant_type')).toBe('client_credentials');
    expect(request?.form.get('scope')).toBe('orders/read orders/write');
  });

  it('--json and --print header', async () => {
    const json = await runCli(args('--client-secret', CLIENT_SECRET, '--scope', 'orders/read', '--json'));
    expect(JSON.parse(json.stdout)).toEqual({
      accessToken: `m2m.${Buffer.from('orders/read').toString('base64url')}.sig`,
      tokenType: 'Bearer',
      expiresIn: 3600,
    });
    const header = await runCli(
      args('--client-secret', CLIENT_SECRET, '--scope', 'orders/read', '--print', 'header'),
    );
    expect(header.stdout).toMatch(/^Authorization: Bearer m2m\.\S+\.sig\n$/);
  });

  it('a wrong secret: the endpoint says invalid_client, the CLI says so in one line', async () => {
    const res = await runCli(args('--client-secret', 'wrong', '--scope', 'orders/read'));
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(
      'cogauth: m2m failed: the token endpoint answered invalid_client (HTTP 400) — check --client-id and --client-secret\n',
    );
  });

  it('a scope the client may not have: invalid_scope', async () => {
    const res = await runCli(args('--client-secret', CLIENT_SECRET, '--scope', 'admin/all'));
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/invalid_scope \(HTTP 400\)/);
  });

  it('no secret: a usage error before any request', async () => {
    const before = seen.length;
    const res = await runCli(args('--scope', 'orders/read'));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/needs the app client secret/);
    expect(seen.length).toBe(before);
  });

  it('builds the token URL from a bare pool domain or a URL', () => {
    expect(oauthEndpoint('my-app.auth.eu-west-1.amazoncognito.com', 'token')).toBe(
      'https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token',
    );
    expect(oauthEndpoint('https://auth.example.com/', 'token')).toBe('https://auth.example.com/oauth2/token');
    expect(oauthEndpoint('http://127.0.0.1:8080', 'token')).toBe('http://127.0.0.1:8080/oauth2/token');
  });
});

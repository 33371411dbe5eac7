import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, generateTestKey, type JwksServer, jwksOf, startJwksServer } from '../src/index.js';

const servers: JwksServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options?: Parameters<typeof startJwksServer>[0]) {
  const server = await startJwksServer(options);
  servers.push(server);
  return server;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('startJwksServer', () => {
  it('serves the JWKS at <issuer>/.well-known/jwks.json on 127.0.0.1 and counts requests', async () => {
    const key = generateTestKey({ kid: 'k1' });
    const server = await start({ jwks: jwksOf(key), poolId: 'us-east-1_Pool' });
    expect(server.issuer).toBe(`http://127.0.0.1:${server.port}/us-east-1_Pool`);
    expect(server.jwksUrl).toBe(`${server.issuer}/.well-known/jwks.json`);
    expect(server.requestCount()).toBe(0);

    const res = await fetch(server.jwksUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual(jwksOf(key));
    await (await fetch(server.jwksUrl)).arrayBuffer();
    expect(server.requestCount()).toBe(2);
    expect(server.jwksRequestCount()).toBe(2);

    const other = await fetch(`http://127.0.0.1:${server.port}/other/.well-known/jwks.json`);
    expect(other.status).toBe(404);
    await other.arrayBuffer();
    expect(server.requestCount()).toBe(3);
    expect(server.jwksRequestCount()).toBe(2);
    server.resetCount();
    expect(server.requestCount()).toBe(0);
  });

  it('setJwks swaps the served keys (rotation)', async () => {
    const server = await start();
    expect(await (await fetch(server.jwksUrl)).json()).toEqual({ keys: [] });
    const key = generateTestKey({ kid: 'rotated' });
    server.setJwks(jwksOf(key));
    const body = (await (await fetch(server.jwksUrl)).json()) as { keys: { kid: string }[] };
    expect(body.keys.map((k) => k.kid)).toEqual(['rotated']);
  });

  it('setResponder injects failures and null restores normal service', async () => {
    const server = await start({ jwks: jwksOf(generateTestKey({ kid: 'k' })) });
    server.setResponder((_req, res, info) => {
      res.writeHead(500).end(`boom ${info.count} ${info.isJwksPath}`);
    });
    const failed = await fetch(server.jwksUrl);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe('boom 1 true');

    server.setResponder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
    });
    expect(await (await fetch(server.jwksUrl)).text()).toBe('{not json');

    server.setResponder(async () => {
      throw new Error('responder bug');
    });
    expect((await fetch(server.jwksUrl)).status).toBe(500);

    server.setResponder(null);
    const ok = await fetch(server.jwksUrl);
    expect(ok.status).toBe(200);
    expect(server.requestCount()).toBe(4);
  });

  it('close() ends a hanging slow response and frees the port', async () => {
    const server = await start();
    server.setResponder(() => {
      // never answers
    });
    const pending = fetch(server.jwksUrl).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 50));
    await server.close();
    expect(await pending).toBe('failed');
    expect(await canListen(server.port)).toBe(true);
    await server.close(); // idempotent
  });
});

describe('freePort', () => {
  it('returns a port that can be bound on 127.0.0.1', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(await canListen(port)).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import { generateTestKey, type JwksServer, jwksOf, startJwksServer } from '@cogauth/test-fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCognitoVerifier, type VerifierSettings } from '../../src/index.js';
import { expectCode } from '../helpers/assertions.js';
import { accessToken, CLIENT_ID, key, POOL_ID } from '../helpers/fixtures.js';

let server: JwksServer;
let issuer: string;

beforeAll(async () => {
  server = await startJwksServer({ jwks: jwksOf(key()), poolId: POOL_ID });
  issuer = server.issuer;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.setJwks(jwksOf(key()));
  server.setResponder(null);
  server.resetCount();
});
afterEach(() => {
  vi.useRealTimers();
});

function remoteVerifier(settings?: VerifierSettings) {
  return createCognitoVerifier(
    { userPoolId: POOL_ID, issuer, jwksUri: server.jwksUrl, tokenUse: 'access', clientId: CLIENT_ID },
    settings,
  );
}
const token = (k = key(), header?: Record<string, unknown>) =>
  accessToken(k, { issuer, sub: randomUUID() }, header);
const randomKid = () => token(key(), { kid: randomUUID() });

/** Fake only Date, so fetch, sockets and AbortSignal timers keep running for real. */
function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now());
  return (ms: number) => vi.setSystemTime(Date.now() + ms);
}

describe('JWKS over HTTP (real server on 127.0.0.1)', () => {
  it('fetches once and caches the keys', async () => {
    const verifier = remoteVerifier({ cache: false });
    for (let i = 0; i < 20; i++) await verifier.verify(token());
    expect(server.jwksRequestCount()).toBe(1);
  });

  it('merges concurrent fetches into one request', async () => {
    const verifier = remoteVerifier();
    const results = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(token())));
    expect(results).toHaveLength(50);
    expect(server.jwksRequestCount()).toBe(1);
  });

  it('refetches for an unknown kid at most once per penalty window after a failed lookup', async () => {
    const advance = fakeClock();
    const verifier = remoteVerifier();
    await verifier.verify(token());
    expect(server.jwksRequestCount()).toBe(1);
    // A successful fetch opens no window: the first unknown kid refetches once, and its failed lookup
    // opens the window.
    await expectCode(() => verifier.verify(randomKid()), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(2);
    // A flood of random kids, concurrent and sequential, inside the window: no request.
    await Promise.all(
      Array.from({ length: 50 }, () => expectCode(() => verifier.verify(randomKid()), 'KID_UNKNOWN')),
    );
    for (let i = 0; i < 50; i++) await expectCode(() => verifier.verify(randomKid()), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(2);
    advance(9_000);
    await expectCode(() => verifier.verify(randomKid()), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(2);
    advance(1_001);
    // The next window: a concurrent flood costs one request in total.
    await Promise.all(
      Array.from({ length: 50 }, () => expectCode(() => verifier.verify(randomKid()), 'KID_UNKNOWN')),
    );
    expect(server.jwksRequestCount()).toBe(3);
  });

  it('picks up a rotated key after the penalty window', async () => {
    const advance = fakeClock();
    const verifier = remoteVerifier({ jwksPenaltyMs: 5_000 });
    await verifier.verify(token());
    const next = generateTestKey({ alg: 'RS256', kid: 'rotated' });
    server.setJwks(jwksOf(key(), next));
    advance(5_000);
    await expect(verifier.verify(token(next))).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(2);
  });

  it('a failing endpoint gives JWKS_UNAVAILABLE and never evicts cached keys', async () => {
    const advance = fakeClock();
    const verifier = remoteVerifier({ cache: false });
    await verifier.verify(token());
    const failures: [string, Parameters<JwksServer['setResponder']>[0]][] = [
      ['HTTP 500', (_req, res) => void res.writeHead(500).end('boom')],
      [
        'not JSON',
        (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>'),
      ],
      ['not a JWKS', (_req, res) => void res.writeHead(200).end('{"keys":"all of them"}')],
      ['connection reset', (req) => void req.socket.destroy()],
    ];
    for (const [, responder] of failures) {
      server.setResponder(responder);
      advance(10_001);
      const error = await expectCode(() => verifier.verify(randomKid()), 'JWKS_UNAVAILABLE');
      expect(error.message).toContain(server.jwksUrl);
      // The key fetched before is still there.
      await expect(verifier.verify(token())).resolves.toBeDefined();
      expect(verifier.verifySync(token()).token_use).toBe('access');
    }
    expect(server.jwksRequestCount()).toBe(1 + failures.length);
  });

  it('times out a stalled endpoint', async () => {
    const verifier = remoteVerifier({ jwksTimeoutMs: 200 });
    server.setResponder(() => new Promise((resolve) => setTimeout(resolve, 3_000)));
    const error = await expectCode(() => verifier.verify(token()), 'JWKS_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
  });

  it('times out a body that stalls after the headers', async () => {
    const verifier = remoteVerifier({ jwksTimeoutMs: 200 });
    server.setResponder((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"keys":[');
    });
    const error = await expectCode(() => verifier.verify(token()), 'JWKS_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
  });

  it('caps the response size, declared or streamed', async () => {
    const big = JSON.stringify({ keys: [key().publicJwk], padding: 'x'.repeat(5_000) });
    server.setResponder(
      (_req, res) => void res.writeHead(200, { 'content-length': Buffer.byteLength(big) }).end(big),
    );
    const declared = await expectCode(
      () => remoteVerifier({ jwksMaxBytes: 2_048 }).verify(token()),
      'JWKS_UNAVAILABLE',
    );
    expect(declared.message).toMatch(/limit/);
    server.setResponder((_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < big.length; i += 500) res.write(big.slice(i, i + 500));
      res.end();
    });
    const streamed = await expectCode(
      () => remoteVerifier({ jwksMaxBytes: 2_048 }).verify(token()),
      'JWKS_UNAVAILABLE',
    );
    expect(streamed.message).toMatch(/limit/);
    // The same document is fine under the default cap.
    await expect(remoteVerifier().verify(token())).resolves.toBeDefined();
  });

  it('refuses a redirect instead of following it', async () => {
    server.setResponder((req, res) => {
      if (req.url?.startsWith('/moved')) res.writeHead(200).end(JSON.stringify(jwksOf(key())));
      else res.writeHead(302, { location: `http://127.0.0.1:${server.port}/moved` }).end();
    });
    const error = await expectCode(() => remoteVerifier().verify(token()), 'JWKS_UNAVAILABLE');
    expect(error.message).toMatch(/HTTP 302 \(redirects are not followed\)/);
    expect(server.requestCount()).toBe(1);
  });

  it('fails a body cut short of its content-length', async () => {
    server.setResponder((req, res) => {
      res.writeHead(200, { 'content-length': 5_000 });
      res.write('{"keys":[', () => req.socket.destroy());
    });
    const error = await expectCode(() => remoteVerifier().verify(token()), 'JWKS_UNAVAILABLE');
    expect(error.message).toContain(server.jwksUrl);
  });

  it("downloads with node:http, not the global fetch (which costs undici's cold start)", async () => {
    const original = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error('global fetch used'));
    try {
      await expect(remoteVerifier().verify(token())).resolves.toBeDefined();
    } finally {
      globalThis.fetch = original;
    }
  });

  it('gives JWKS_UNAVAILABLE when nothing listens', async () => {
    const closed = await startJwksServer({ poolId: POOL_ID });
    await closed.close();
    const verifier = createCognitoVerifier({
      userPoolId: POOL_ID,
      issuer,
      jwksUri: closed.jwksUrl,
      tokenUse: 'access',
      clientId: CLIENT_ID,
    });
    await expectCode(() => verifier.verify(token()), 'JWKS_UNAVAILABLE');
  });

  it('does not hammer an endpoint that is down at start-up, and recovers', async () => {
    const advance = fakeClock();
    server.setResponder((_req, res) => void res.writeHead(503).end());
    const verifier = remoteVerifier();
    for (let i = 0; i < 20; i++) await expectCode(() => verifier.verify(token()), 'JWKS_UNAVAILABLE');
    expect(server.jwksRequestCount()).toBe(1);
    server.setResponder(null);
    advance(1_000);
    await expect(verifier.verify(token())).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(2);
  });

  it('hydrate() loads the keys for verifySync; verifySync never fetches', async () => {
    const verifier = remoteVerifier();
    await expectCode(() => verifier.verifySync(token()), 'JWKS_UNAVAILABLE');
    expect(server.jwksRequestCount()).toBe(0);
    await verifier.hydrate();
    expect(verifier.verifySync(token()).sub).toBeTypeOf('string');
    await expectCode(() => verifier.verifySync(randomKid()), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(1);
  });

  it('hydrate() rejects with JWKS_UNAVAILABLE when the endpoint fails', async () => {
    server.setResponder((_req, res) => void res.writeHead(404).end());
    await expectCode(() => remoteVerifier().hydrate(), 'JWKS_UNAVAILABLE');
  });

  it('a preloaded JWKS needs no request; once the endpoint answers, its set replaces the preloaded one', async () => {
    const preloaded = generateTestKey({ alg: 'ES256', kid: 'embedded' });
    const verifier = createCognitoVerifier({
      userPoolId: POOL_ID,
      issuer,
      jwksUri: server.jwksUrl,
      tokenUse: 'access',
      clientId: CLIENT_ID,
      jwks: jwksOf(preloaded),
    });
    const embedded = token(preloaded);
    expect(verifier.verifySync(embedded).token_use).toBe('access');
    expect(server.jwksRequestCount()).toBe(0);
    await expect(verifier.verify(token())).resolves.toBeDefined();
    expect(server.jwksRequestCount()).toBe(1);
    // The endpoint does not publish "embedded": it no longer verifies, not even from the result cache.
    await expectCode(() => verifier.verify(embedded), 'KID_UNKNOWN');
    await expectCode(() => verifier.verify(token(preloaded)), 'KID_UNKNOWN');
    expect(server.jwksRequestCount()).toBe(2);
  });
});

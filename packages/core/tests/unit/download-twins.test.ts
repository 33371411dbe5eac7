// The JWKS download (and the ALB key download) in both builds: node:http(s) in fetch-capped.ts, `fetch` in
// its web twin. Each refusal is a threat: a redirect to the attacker's keys, a body too large or endless,
// a server that holds the connection. Both twins run against the same real server on 127.0.0.1.
import { type JwksServer, startJwksServer } from '@cogauth/test-fixtures';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as node from '../../src/verify/fetch-capped.js';
import * as web from '../../src/verify/fetch-capped.web.js';
import { FetchFailure } from '../../src/verify/fetch-failure.js';

const twins = [
  ['node', node.fetchCapped],
  ['web', web.fetchCapped],
] as const;
const limits = { timeoutMs: 5000, maxBytes: 1024 };

let server: JwksServer;
let elsewhere: JwksServer;
beforeAll(async () => {
  server = await startJwksServer();
  elsewhere = await startJwksServer({ jwks: { keys: [{ kty: 'RSA', kid: 'attacker' }] } });
});
afterAll(async () => {
  await server?.close();
  await elsewhere?.close();
});
beforeEach(() => {
  server.setResponder(null);
  elsewhere.resetCount();
});

/** What a download ends in: its text, or its FetchFailure's message and status. */
async function outcome(fetchCapped: typeof node.fetchCapped, settings = limits, url = server.jwksUrl) {
  try {
    return { text: new TextDecoder().decode(await fetchCapped(url, settings)) };
  } catch (error) {
    expect(error).toBeInstanceOf(FetchFailure);
    return { failure: (error as FetchFailure).message, status: (error as FetchFailure).status };
  }
}

describe.each(twins)('%s fetchCapped', (_, fetchCapped) => {
  it('returns a 2xx body', async () => {
    expect(await outcome(fetchCapped)).toEqual({ text: '{"keys":[]}' });
  });

  it('never follows a redirect, so the keys cannot come from elsewhere', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      server.setResponder((_req, res) => {
        res.writeHead(status, { location: elsewhere.jwksUrl }).end();
      });
      expect(await outcome(fetchCapped)).toEqual({
        failure: `HTTP ${status} (redirects are not followed)`,
        status,
      });
    }
    expect(elsewhere.requestCount()).toBe(0);
  });

  it('refuses any other non-2xx answer', async () => {
    server.setResponder((_req, res) => {
      res.writeHead(503).end('{"keys":[]}');
    });
    expect(await outcome(fetchCapped)).toEqual({ failure: 'HTTP 503', status: 503 });
  });

  it('refuses a declared length over the cap before reading the body', async () => {
    server.setResponder((_req, res) => {
      res.writeHead(200, { 'content-length': 5000 }).end('x'.repeat(5000));
    });
    expect(await outcome(fetchCapped)).toEqual({
      failure: 'response of 5000 bytes exceeds the 1024-byte limit',
      status: undefined,
    });
  });

  it('stops reading an endless body at the cap, long before its deadline', async () => {
    server.setResponder((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write('x'.repeat(256)), 1);
      req.socket.once('close', () => clearInterval(timer));
    });
    const settings = { timeoutMs: 20_000, maxBytes: 1024 };
    expect(await outcome(fetchCapped, settings)).toEqual({
      failure: 'response exceeds the 1024-byte limit',
      status: undefined,
    });
  });

  it('gives up at its deadline on a server that never answers', async () => {
    server.setResponder(() => {});
    expect(await outcome(fetchCapped, { timeoutMs: 300, maxBytes: 1024 })).toEqual({
      failure: 'timed out after 300 ms',
      status: undefined,
    });
  });

  it('gives up at its deadline on a body dripping in under the cap', async () => {
    server.setResponder((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 20);
      req.socket.once('close', () => clearInterval(timer));
    });
    expect(await outcome(fetchCapped, { timeoutMs: 300, maxBytes: 1024 })).toEqual({
      failure: 'timed out after 300 ms',
      status: undefined,
    });
  });

  it('fetches only http: and https:', async () => {
    expect(await outcome(fetchCapped, limits, 'ftp://127.0.0.1/jwks.json')).toEqual({
      failure: 'protocol ftp: is not supported',
      status: undefined,
    });
  });
});

describe('both twins take a body exactly when it fits the cap, however it arrives', () => {
  it('declared or streamed, in any chunking', async () => {
    const cases = fc.record({
      size: fc.nat({ max: 3000 }),
      maxBytes: fc.integer({ min: 1, max: 3000 }),
      declared: fc.boolean(),
      chunk: fc.integer({ min: 1, max: 1500 }),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ size, maxBytes, declared, chunk }) => {
        const body = 'k'.repeat(size);
        server.setResponder(async (_req, res) => {
          res.writeHead(200, declared ? { 'content-length': size } : {});
          for (let at = 0; at < size; at += chunk) {
            if (!res.write(body.slice(at, at + chunk))) await new Promise((r) => res.once('drain', r));
          }
          res.end();
        });
        for (const [, fetchCapped] of twins) {
          const result = await outcome(fetchCapped, { timeoutMs: 5000, maxBytes });
          if (size <= maxBytes) expect(result).toEqual({ text: body });
          else expect(result.failure).toMatch(new RegExp(`exceeds the ${maxBytes}-byte limit$`));
        }
      }),
      { numRuns: 60 },
    );
  });
});

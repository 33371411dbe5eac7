import { type CognitoLocal, type Offline, startCognitoLocal, startOffline } from '@cogauth/test-fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { copyFixtureService, OSLS_BIN, type ServiceCopy } from '../helpers/fixture-service.js';

// cognito-local stands in for Cognito and `serverless offline` for API Gateway + Lambda, running the fixture
// service exactly as the plugin wires it (REST, HTTP API, WebSocket $connect). The sample app's e2e covers
// the REST / HTTP API matrix in depth; this suite proves the plugin's wiring, WebSocket first.

let cognito: CognitoLocal | undefined;
let offline: Offline | undefined;
let service: ServiceCopy | undefined;
const tokens = { writer: '', reader: '' };
const subs = { writer: '', reader: '' };

function live(): Offline {
  if (!offline) throw new Error('serverless offline did not start');
  return offline;
}

/** The same token with admin rights claimed in its payload, the signature kept. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  claims['cognito:groups'] = ['writers'];
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

async function call(url: string, method: string, token?: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method,
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: await response.text() };
}

/** Opens a WebSocket: 101 when $connect was accepted, else the status API Gateway (offline) refused with. */
function connect(token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(live().websocketUrl, {
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      handshakeTimeout: 20_000,
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', reject);
  });
}

interface Decision {
  reason: string;
  event?: string;
}

/** The authorizer's decision log lines, as serverless offline printed them. */
function decisions(): Decision[] {
  return live()
    .output()
    .split('\n')
    .filter((line) => line.includes('"cogauth authorizer decision"'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Decision);
}

beforeAll(async () => {
  try {
    cognito = await startCognitoLocal();
    const pool = await cognito.createPool('cogauth-plugin-e2e');
    const client = await cognito.createClient(pool.poolId, { name: 'cogauth-plugin-e2e' });
    for (const [name, groups] of [
      ['writer', ['writers']],
      ['reader', []],
    ] as const) {
      const password = `${name[0]?.toUpperCase()}${name.slice(1)}-Passw0rd!`;
      subs[name] = (await cognito.createUser(pool.poolId, name, password, { groups: [...groups] })).sub;
      tokens[name] = (await cognito.login(pool.poolId, client.clientId, name, password)).accessToken;
    }
    service = copyFixtureService('cogauth-plugin-e2e-');
    offline = await startOffline({
      serviceDir: service.serviceDir,
      oslsBin: OSLS_BIN,
      startTimeoutMs: 150_000,
      env: {
        FIXTURE_USER_POOL_ID: pool.poolId,
        FIXTURE_CLIENT_IDS: client.clientId,
        FIXTURE_ISSUER: pool.issuer,
        FIXTURE_JWKS_URI: pool.jwksUri,
        FIXTURE_JWKS_FILE: '',
      },
    });
  } catch (error) {
    await stopAll();
    throw error;
  }
}, 240_000);

async function stopAll(): Promise<void> {
  await offline?.stop().catch(() => undefined);
  await cognito?.stop().catch(() => undefined);
  service?.remove();
}

afterAll(stopAll, 30_000);

describe.each([
  { api: 'REST API (TOKEN authorizer)', base: () => `${live().restUrl}/hello` },
  { api: 'HTTP API (IAM policy answers)', base: () => `${live().httpApiUrl}/hello` },
])('$api, wired by the plugin', ({ base }) => {
  it('answers 401 without a token and with a tampered one', async () => {
    expect((await call(base(), 'GET')).status).toBe(401);
    expect((await call(base(), 'POST', tampered(tokens.reader))).status).toBe(401);
  });

  it('answers 403 to a caller the rules refuse, 200 to one they allow, with the authorizer’s caller', async () => {
    expect((await call(base(), 'POST', tokens.reader)).status).toBe(403);
    const allowed = await call(base(), 'POST', tokens.writer);
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body)).toEqual({ sub: subs.writer });
  });
});

describe('WebSocket $connect, wired by the plugin', () => {
  it('accepts a caller whose groups the $connect rule names', async () => {
    expect(await connect(tokens.writer)).toBe(101);
  });

  it('refuses a valid token without the rights (403)', async () => {
    expect(await connect(tokens.reader)).toBe(403);
  });

  // The authorizer throws "Unauthorized", which API Gateway answers with 401; serverless-offline's WebSocket
  // server answers any thrown error with 500. Either way the connection is refused, and the log says why.
  it('refuses no token, a bad token and a tampered one', async () => {
    for (const token of [undefined, 'not.a.jwt', tampered(tokens.reader)])
      expect([401, 500]).toContain(await connect(token));
    // serverless offline prints the authorizer's log line after it answered: wait for the last one.
    await vi.waitFor(
      () => {
        const reasons = decisions()
          .filter((d) => d.event === 'WEBSOCKET_CONNECT')
          .map((d) => d.reason);
        expect(reasons).toEqual(
          expect.arrayContaining(['TOKEN_MISSING', 'TOKEN_MALFORMED', 'SIGNATURE_INVALID']),
        );
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('logged each decision with its reason, never a token', () => {
    const output = live().output();
    const reasons = decisions().map((d) => d.reason);
    expect(reasons).toEqual(expect.arrayContaining(['ALLOWED', 'ROUTE_NOT_PERMITTED', 'SIGNATURE_INVALID']));
    for (const token of Object.values(tokens)) expect(output).not.toContain(token.split('.')[2]);
  });
});

import type { AddressInfo } from 'node:net';
import { generateTestKey } from '../keys.js';
import { adminApi } from './admin-api.js';
import type { CognitoStandIn, CognitoStandInOptions } from './api.js';
import type { Ctx } from './context.js';
import { Injections, userControls } from './control.js';
import { Outbox } from './delivery.js';
import { type CallRecord, createFront } from './http-front.js';
import { newKid } from './ids.js';
import { operations } from './operations.js';
import { Sessions } from './sessions.js';
import { Store } from './store.js';
import { TokenIssuer } from './tokens.js';

// startCognitoStandIn: the store, the token issuer and the HTTP front wired together on 127.0.0.1, port 0.
// In-process (an http.Server): close() it in afterAll.

export async function startCognitoStandIn(options: CognitoStandInOptions = {}): Promise<CognitoStandIn> {
  const region = options.region ?? 'us-east-1';
  const store = new Store();
  const key = options.signingKey ?? generateTestKey({ alg: 'RS256', kid: newKid() });
  const ctx: Ctx = {
    store,
    sessions: new Sessions(() => store.now()),
    tokens: new TokenIssuer(store, key),
    outbox: new Outbox(store),
  };
  const injections = new Injections();
  const calls: CallRecord[] = [];
  const internal: unknown[] = [];
  const server = createFront({
    operations: operations(ctx),
    jwksFor: (poolId) => (store.pools.has(poolId) ? ctx.tokens.jwks() : undefined),
    injected: (operation) => injections.take(operation),
    calls,
    onInternalError: (error) => internal.push(error),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  return {
    endpoint,
    port,
    region,
    ...adminApi(store, endpoint, region),
    ...userControls(store, ctx.outbox),
    now: () => store.now(),
    advanceClock: (seconds) => store.advance(seconds),
    expireSessions: () => ctx.sessions.expireAll(),
    expireCodes: () => ctx.sessions.expireCodes(),
    failNext: (operation, type, message = `${type} (injected by the test)`) =>
      injections.add(operation, type, message),
    calls: () => calls.map((c) => ({ ...c })),
    internalErrors: () => [...internal],
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface Jwks {
  keys: Record<string, unknown>[];
}

export interface JwksRequestInfo {
  /** 1-based number of this request (all paths counted). */
  count: number;
  /** The JWKS the server would serve right now. */
  jwks: Jwks;
  /** Whether the path is `/<poolId>/.well-known/jwks.json`. */
  isJwksPath: boolean;
}

/**
 * Failure injection: takes over every request while set. It writes the response itself
 * (e.g. status 500, garbage body, a delay, a huge body, or `req.socket.destroy()`).
 */
export type JwksResponder = (
  req: IncomingMessage,
  res: ServerResponse,
  info: JwksRequestInfo,
) => void | Promise<void>;

export interface JwksServerOptions {
  jwks?: Jwks;
  /** Default `us-east-1_TestPool1`. */
  poolId?: string;
}

export interface JwksServer {
  /** `http://127.0.0.1:<port>/<poolId>` */
  issuer: string;
  /** `<issuer>/.well-known/jwks.json` */
  jwksUrl: string;
  port: number;
  poolId: string;
  /** Requests received so far, on any path, including ones handled by a responder. */
  requestCount(): number;
  /** Requests received so far on the JWKS path only. */
  jwksRequestCount(): number;
  resetCount(): void;
  setJwks(jwks: Jwks): void;
  setResponder(responder: JwksResponder | null): void;
  /** Stops listening and destroys open connections (including ones a slow responder holds). */
  close(): Promise<void>;
}

export async function startJwksServer(options: JwksServerOptions = {}): Promise<JwksServer> {
  const poolId = options.poolId ?? 'us-east-1_TestPool1';
  const jwksPath = `/${poolId}/.well-known/jwks.json`;
  let jwks: Jwks = options.jwks ?? { keys: [] };
  let responder: JwksResponder | null = null;
  let count = 0;
  let jwksCount = 0;

  const server: Server = createServer((req, res) => {
    count += 1;
    const path = (req.url ?? '/').split('?')[0];
    const isJwksPath = path === jwksPath;
    if (isJwksPath) jwksCount += 1;
    if (responder) {
      const info: JwksRequestInfo = { count, jwks, isJwksPath };
      Promise.resolve()
        .then(() => responder?.(req, res, info))
        .catch((err: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`responder failed: ${String(err)}`);
        });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (!isJwksPath) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"not found"}');
      return;
    }
    const body = JSON.stringify(jwks);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('startJwksServer: no TCP address');
  }
  const port = address.port;
  const issuer = `http://127.0.0.1:${port}/${poolId}`;
  let closed: Promise<void> | undefined;

  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    port,
    poolId,
    requestCount: () => count,
    jwksRequestCount: () => jwksCount,
    resetCount: () => {
      count = 0;
      jwksCount = 0;
    },
    setJwks: (next) => {
      jwks = next;
    },
    setResponder: (next) => {
      responder = next;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

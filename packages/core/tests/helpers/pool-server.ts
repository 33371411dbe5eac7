import { type Jwks, type JwksServer, startJwksServer } from '@cogauth/test-fixtures';

/**
 * One 127.0.0.1 server standing in for many user pools the way cognito-local lays them out: the JWKS of
 * pool `<id>` at `/<id>/.well-known/jwks.json`, for any id `local_<word>`. Counts downloads per pool.
 */
export interface PoolServer {
  /** `http://127.0.0.1:<port>`: pool `<id>` has the issuer `<endpoint>/<id>`. */
  readonly endpoint: string;
  readonly server: JwksServer;
  issuerOf(poolId: string): string;
  /** JWKS downloads of `poolId` so far. */
  fetches(poolId: string): number;
  /** Requests on any path so far. */
  total(): number;
  /** Every pool's downloads so far. */
  counts(): ReadonlyMap<string, number>;
  /** What pool `poolId` serves from now on (default: the shared JWKS). */
  setJwks(poolId: string, jwks: Jwks): void;
  reset(): void;
  close(): Promise<void>;
}

const JWKS_PATH = /^\/(local_\w{1,40})\/\.well-known\/jwks\.json$/;

export async function startPoolServer(shared: Jwks): Promise<PoolServer> {
  const server = await startJwksServer({ jwks: shared });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const counts = new Map<string, number>();
  const own = new Map<string, Jwks>();
  server.setResponder((req, res) => {
    const m = JWKS_PATH.exec((req.url ?? '/').split('?')[0] as string);
    if (m === null) {
      res.writeHead(404).end();
      return;
    }
    const poolId = m[1] as string;
    counts.set(poolId, (counts.get(poolId) ?? 0) + 1);
    const body = JSON.stringify(own.get(poolId) ?? shared);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return {
    endpoint,
    server,
    issuerOf: (poolId) => `${endpoint}/${poolId}`,
    fetches: (poolId) => counts.get(poolId) ?? 0,
    total: () => server.requestCount(),
    counts: () => counts,
    setJwks: (poolId, jwks) => {
      own.set(poolId, jwks);
    },
    reset: () => {
      counts.clear();
      own.clear();
      server.resetCount();
    },
    close: () => server.close(),
  };
}

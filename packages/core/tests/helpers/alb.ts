import { randomUUID, sign } from 'node:crypto';
import {
  generateTestKey,
  type JwksResponder,
  type JwksServer,
  startJwksServer,
  type TestKey,
} from '@cogauth/test-fixtures';

export const ALB_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188';
export const OTHER_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/1111222233334444';
export const ALB_CLIENT = 'albclient0123456789abcdefg';
export const ALB_ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AlbPool1';

/** An ALB signing key: ES256 with a UUID kid, as the load balancer's key endpoint names them. */
export function albKey(): TestKey {
  return generateTestKey({ alg: 'ES256', kid: randomUUID() });
}

/** The key as the endpoint serves it: a PEM `PUBLIC KEY`. */
export function pemOf(key: TestKey): string {
  return key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** base64url with `=` padding to a multiple of 4, as the ALB writes each segment. */
export function padded(bytes: string | Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64url');
  return s + '='.repeat((4 - (s.length % 4)) % 4);
}

export interface AlbTokenOptions {
  /** Merged over the header; a property set to undefined is removed. */
  header?: Record<string, unknown>;
  /** Merged over the payload; a property set to undefined is removed. */
  payload?: Record<string, unknown>;
  /** Encodes the header and payload segments (default `padded`); the signature covers them as encoded. */
  encode?: (json: string) => string;
  /** Encodes the signature segment (default `padded`). */
  encodeSignature?: (signature: Uint8Array) => string;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** `x-amzn-oidc-data` as the ALB guide describes it: ES256 over padded base64url segments. */
export function albToken(key: TestKey, options: AlbTokenOptions = {}): string {
  const exp = Math.floor(Date.now() / 1000) + 120;
  const header = withoutUndefined({
    typ: 'JWT',
    kid: key.kid,
    alg: 'ES256',
    iss: ALB_ISSUER,
    client: ALB_CLIENT,
    signer: ALB_ARN,
    exp,
    ...options.header,
  });
  const payload = withoutUndefined({
    sub: randomUUID(),
    email_verified: 'true',
    email: 'alice@example.com',
    username: 'alice',
    exp,
    iss: ALB_ISSUER,
    ...options.payload,
  });
  const encode = options.encode ?? padded;
  const signingInput = `${encode(JSON.stringify(header))}.${encode(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${signingInput}.${(options.encodeSignature ?? padded)(signature)}`;
}

/** A 127.0.0.1 key endpoint: `/<kid>` answers the PEM of a known key, 404 otherwise. Counts requests per path. */
export interface AlbKeyServer {
  readonly endpoint: string;
  readonly server: JwksServer;
  /** Requests per path so far. */
  readonly paths: Map<string, number>;
  total(): number;
  serve(key: TestKey, body?: string): void;
  /** Answers every request with `responder` until `reset()`. */
  override(responder: JwksResponder): void;
  /** Clears the counts and ends an override. */
  reset(): void;
  close(): Promise<void>;
}

export async function startAlbKeyServer(): Promise<AlbKeyServer> {
  const server = await startJwksServer();
  const bodies = new Map<string, string>();
  const paths = new Map<string, number>();
  const keysByPath: JwksResponder = (req, res) => {
    const path = req.url ?? '/';
    paths.set(path, (paths.get(path) ?? 0) + 1);
    const body = bodies.get(path);
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(body);
  };
  server.setResponder(keysByPath);
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    server,
    paths,
    total: () => server.requestCount(),
    serve: (key, body) => {
      bodies.set(`/${key.kid}`, body ?? pemOf(key));
    },
    override: (responder) => server.setResponder(responder),
    reset: () => {
      paths.clear();
      server.resetCount();
      server.setResponder(keysByPath);
    },
    close: () => server.close(),
  };
}

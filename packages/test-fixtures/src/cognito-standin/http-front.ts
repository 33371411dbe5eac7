import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CognitoServiceError } from './errors.js';
import type { Body } from './input.js';

// The wire: AWS JSON 1.1 as the Cognito user pools endpoint speaks it. POST / with
// `Content-Type: application/x-amz-json-1.1` and `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`;
// answers 200 with a JSON body, or 400/500 with `{"__type", "message"}` and `x-amzn-ErrorType`
// (`<Type>:http://internal.amazon.com/coral/...`, the suffix clients must strip). Protocol-level refusals
// use Coral's namespaced types (`com.amazon.coral.service#UnknownOperationException`). GET
// `/<poolId>/.well-known/jwks.json` serves the signing key of each existing pool. Nothing is logged: request
// bodies hold passwords, codes and tokens.

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const MAX_BODY_BYTES = 1024 * 1024;
/** Beyond this the connection is cut; up to it an oversized body is read and dropped so the 413 arrives. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const ERROR_SUFFIX = ':http://internal.amazon.com/coral/com.amazonaws.cognito.identity.idp.model/';
const CORAL = 'com.amazon.coral.service#';

export type Operation = (body: Body) => unknown;

export interface CallRecord {
  operation: string;
  status: number;
  errorType?: string;
}

export interface FrontOptions {
  operations: Record<string, Operation>;
  jwksFor(poolId: string): unknown | undefined;
  /** An error injected for the next call of this operation (TooManyRequestsException, ...). */
  injected(operation: string): CognitoServiceError | undefined;
  calls: CallRecord[];
  /** A bug in the stand-in: answered as InternalErrorException, kept for the test to see. */
  onInternalError(error: unknown): void;
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': `${errorType}${ERROR_SUFFIX}` }),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message }, type.slice(type.indexOf('#') + 1));
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAIN_BYTES) req.destroy();
      else if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer): Body | undefined {
  try {
    const value: unknown = JSON.parse(raw.length === 0 ? '{}' : raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : undefined;
  } catch {
    return undefined;
  }
}

function serveJwks(options: FrontOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const parts = path.split('/');
  const jwks =
    parts.length === 4 && parts[2] === '.well-known' && parts[3] === 'jwks.json'
      ? options.jwksFor(parts[1] ?? '')
      : undefined;
  if (jwks === undefined) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
    return;
  }
  const text = JSON.stringify(jwks);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(req.method === 'HEAD' ? undefined : text);
}

async function serveOperation(
  options: FrontOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  const record: CallRecord = { operation: operation || '(none)', status: 0 };
  options.calls.push(record);
  const reply = (status: number, body: unknown, type?: string) => {
    record.status = status;
    if (type) record.errorType = type.slice(type.indexOf('#') + 1);
    if (type) sendError(res, status, type, String((body as { message: string }).message));
    else send(res, status, body);
  };
  const handler = Object.hasOwn(options.operations, operation) ? options.operations[operation] : undefined;
  if (!handler)
    return reply(
      400,
      { message: `Unknown operation ${target.slice(0, 200)}` },
      `${CORAL}UnknownOperationException`,
    );
  const contentType = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (contentType !== 'application/x-amz-json-1.1') {
    return reply(
      400,
      { message: 'Content-Type must be application/x-amz-json-1.1' },
      `${CORAL}SerializationException`,
    );
  }
  const raw = await readBody(req);
  if (raw === undefined)
    return reply(413, { message: 'Request body too large' }, `${CORAL}SerializationException`);
  const body = parseBody(raw);
  if (body === undefined)
    return reply(400, { message: 'Request body is not a JSON object' }, `${CORAL}SerializationException`);
  try {
    const injected = options.injected(operation);
    if (injected) throw injected;
    reply(200, handler(body));
  } catch (error) {
    if (error instanceof CognitoServiceError)
      return reply(error.status, { message: error.message }, error.type);
    options.onInternalError(error);
    reply(500, { message: 'An internal error occurred.' }, 'InternalErrorException');
  }
}

export function createFront(options: FrontOptions): Server {
  return createServer((req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') return serveJwks(options, req, res);
    if (req.method !== 'POST' || (req.url ?? '/') !== '/') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    serveOperation(options, req, res).catch((error: unknown) => {
      options.onInternalError(error);
      if (!res.headersSent) sendError(res, 500, 'InternalErrorException', 'An internal error occurred.');
      else res.destroy();
    });
  });
}

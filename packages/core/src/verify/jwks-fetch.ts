import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { VerifyError } from '../errors.js';
import { importJwks, type KeyEntry } from './jwk.js';

export interface JwksFetchSettings {
  /** For the whole download: connect, headers and body. */
  timeoutMs: number;
  maxBytes: number;
}

type RequestFn = (
  url: URL,
  options: RequestOptions,
  onResponse: (res: IncomingMessage) => void,
) => ClientRequest;

// node:http / node:https rather than the global fetch: fetch loads undici on first use (~46 ms of cold
// start). They are imported on first use, so a verifier with a preloaded JWKS never loads them.
let httpsRequest: RequestFn | undefined;
let httpRequest: RequestFn | undefined;

async function requestFor(url: URL): Promise<RequestFn> {
  if (url.protocol === 'https:') {
    httpsRequest ??= (await import('node:https')).request;
    return httpsRequest;
  }
  if (url.protocol === 'http:') {
    httpRequest ??= (await import('node:http')).request;
    return httpRequest;
  }
  throw new Error(`protocol ${url.protocol} is not supported`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${error.message} (${code})`
    : error.message;
}

/** GETs `url` into a Buffer: 2xx only, redirects refused, size-capped, one deadline for everything. */
function download(request: RequestFn, url: URL, settings: JwksFetchSettings): Promise<Buffer> {
  const { maxBytes, timeoutMs } = settings;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === undefined) resolve(body as Buffer);
      else {
        req.destroy();
        reject(error);
      }
    };
    // A fresh connection per download (agent: false): refreshes are an hour apart, and a kept-alive
    // socket frozen with a Lambda container would fail with ECONNRESET when it thaws.
    const req = request(
      url,
      { method: 'GET', headers: { accept: 'application/json' }, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) {
          res.resume();
          const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
          finish(new Error(`HTTP ${status}${redirect}`));
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) {
          finish(new Error(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(new Error(`response exceeds the ${maxBytes}-byte limit`));
          else chunks.push(chunk);
        });
        res.on('end', () => finish(undefined, Buffer.concat(chunks, size)));
        res.on('error', (error) => finish(error));
        res.on('close', () => {
          if (!res.complete) finish(new Error('connection closed before the response was complete'));
        });
      },
    );
    timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => finish(error));
    req.end();
  });
}

/** GETs and parses a JWKS; every failure becomes JWKS_UNAVAILABLE naming the URI. */
export async function fetchJwks(uri: string, settings: JwksFetchSettings): Promise<Map<string, KeyEntry>> {
  let body: Buffer;
  try {
    const url = new URL(uri);
    body = await download(await requestFor(url), url, settings);
  } catch (error) {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS fetch from ${uri} failed: ${describe(error)}`, {
      cause: error,
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS from ${uri} is not valid JSON`);
  }
  try {
    return importJwks(document);
  } catch (error) {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS from ${uri} ${(error as Error).message}`);
  }
}

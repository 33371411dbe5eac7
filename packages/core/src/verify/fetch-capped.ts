// The capped download on Node, with node:http / node:https (the web build swaps in fetch-capped.web.ts, which
// has the same exports; see scripts/bundle.mjs).
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { FetchFailure } from './fetch-failure.js';
import type { JwksFetchSettings } from './jwks-fetch.js';

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
function download(
  request: RequestFn,
  url: URL,
  settings: JwksFetchSettings,
  accept: string,
): Promise<Buffer> {
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
    const req = request(url, { method: 'GET', headers: { accept }, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        res.resume();
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
        finish(new FetchFailure(`HTTP ${status}${redirect}`, status));
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
    });
    timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => finish(error));
    req.end();
  });
}

/**
 * GETs `url` (http: or https:; which URLs are trusted is decided before, where they are configured): 2xx
 * only, redirects refused, at most `maxBytes`, one `timeoutMs` deadline for connect, headers and body.
 * Rejects with a FetchFailure whose message may name the URL but never a response body.
 */
export async function fetchCapped(
  url: string,
  settings: JwksFetchSettings,
  accept = 'application/json',
): Promise<Uint8Array> {
  try {
    const parsed = new URL(url);
    return await download(await requestFor(parsed), parsed, settings, accept);
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure(describe(error), undefined, { cause: error });
  }
}

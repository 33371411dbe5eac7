// The capped download on Web runtimes, with `fetch` (the web build's twin of fetch-capped.ts, same exports).
import { FetchFailure } from './fetch-failure.js';
import type { JwksFetchSettings } from './jwks-fetch.js';

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch rejects with a bare "fetch failed" or the like; its cause says why (ECONNREFUSED, ...).
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && !error.message.includes(cause.message)
    ? `${error.message} (${cause.message})`
    : error.message;
}

/** What one download may hold open, so the deadline can release it. */
interface Pending {
  reader?: { cancel(): Promise<void> };
}

/** Reads a response body to its end, refusing it as soon as it streams past `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, pending: Pending): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  pending.reader = reader;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw new FetchFailure(`response exceeds the ${maxBytes}-byte limit`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

async function download(url: URL, accept: string, maxBytes: number, pending: Pending, signal: AbortSignal) {
  // `redirect: 'manual'`, not 'error', which workerd refuses outright: a redirect then answers with its 3xx
  // status (an opaque redirect, status 0, in browsers), refused below like any other non-2xx answer.
  const response = await fetch(url.href, { method: 'GET', headers: { accept }, redirect: 'manual', signal });
  const status = response.status;
  if (status < 200 || status > 299) {
    response.body?.cancel().catch(() => {});
    const redirected = (status >= 300 && status < 400) || response.type === 'opaqueredirect';
    throw new FetchFailure(`HTTP ${status}${redirected ? ' (redirects are not followed)' : ''}`, status);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    response.body?.cancel().catch(() => {});
    throw new FetchFailure(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  return readCapped(response, maxBytes, pending);
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
  const { maxBytes, timeoutMs } = settings;
  const controller = new AbortController();
  const pending: Pending = {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The deadline does not rely on the runtime aborting a body read: it settles the download itself.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      pending.reader?.cancel().catch(() => {});
      reject(new FetchFailure(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new FetchFailure(`protocol ${parsed.protocol} is not supported`);
    const work = download(parsed, accept, maxBytes, pending, controller.signal);
    // Settled by the deadline first, the download's own failure must not go unhandled.
    work.catch(() => {});
    return await Promise.race([work, deadline]);
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure(describe(error), undefined, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

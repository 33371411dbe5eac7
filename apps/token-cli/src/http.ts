import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { CliError, EXIT_UNREACHABLE } from './errors.js';
import { checkedUrl } from './url-policy.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FormResponse {
  status: number;
  /** The JSON body, or {} when it was not JSON. */
  json: Record<string, unknown>;
}

/** Largest response body read; more ends the request (no service the CLI talks to answers near this). */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * POSTs `body` with node:http(s) (global fetch loads undici, ~45 ms on first use) to a URL already checked
 * by `checkedUrl`. `timeoutMs` bounds the whole exchange, not only socket idleness, so a server that drips
 * bytes cannot hold the CLI. Rejects with the Node error (its `code`: ECONNREFUSED, ETIMEDOUT,
 * ERESPONSETOOLARGE…) for the caller to explain; any HTTP status resolves.
 */
export async function postRaw(
  target: URL,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<RawResponse> {
  const { request } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<RawResponse>((resolve, reject) => {
    const req = request(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    });
    const fail = (message: string, code: string) => req.destroy(Object.assign(new Error(message), { code }));
    const deadline = setTimeout(() => fail(`no answer within ${timeoutMs} ms`, 'ETIMEDOUT'), timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) fail('response too large', 'ERESPONSETOOLARGE');
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(deadline);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
    });
    req.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    req.end(body);
  });
}

/** A JSON object body, or undefined for anything else (not JSON, an array, a string…). */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // not JSON
  }
  return undefined;
}

/**
 * POSTs an x-www-form-urlencoded body. The URL is checked again here: https, or http to loopback only.
 * A network failure is a CliError with the "unreachable" exit code; any HTTP status is returned for the
 * caller to explain.
 */
export async function postForm(
  what: string,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<FormResponse> {
  const target = checkedUrl(what, url);
  const body = new URLSearchParams(form).toString();
  let res: RawResponse;
  try {
    res = await postRaw(
      target,
      body,
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      timeoutMs,
    );
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    throw new CliError(`${what}: cannot reach ${target.origin} (${err.code ?? err.message})`, {
      cause: error,
      exitCode: EXIT_UNREACHABLE,
    });
  }
  return { status: res.status, json: jsonObjectOf(res.body) ?? {} };
}

/** HTTP Basic client authentication as OAuth 2.0 (RFC 6749 2.3.1) defines it: form-encoded id and secret. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`, 'utf8').toString('base64')}`;
}

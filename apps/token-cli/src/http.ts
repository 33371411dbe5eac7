import type { IncomingMessage } from 'node:http';
import { CliError, EXIT_UNREACHABLE } from './errors.js';
import { checkedUrl } from './url-policy.js';

export interface FormResponse {
  status: number;
  /** The JSON body, or {} when it was not JSON. */
  json: Record<string, unknown>;
}

const MAX_BODY = 1024 * 1024;

/**
 * POSTs an x-www-form-urlencoded body with node:http(s) (global fetch loads undici, ~45 ms on first use).
 * The URL is checked again here: https, or http to loopback only. A network failure is a CliError with
 * the "unreachable" exit code; any HTTP status is returned for the caller to explain.
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
  const { request } = target.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<FormResponse>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
        timeout: timeoutMs,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) req.destroy(new Error('response too large'));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
              json = parsed as Record<string, unknown>;
            }
          } catch {
            // not JSON: the caller reports the status
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new CliError(`${what}: cannot reach ${target.origin} (${error.code ?? error.message})`, {
          cause: error,
          exitCode: EXIT_UNREACHABLE,
        }),
      );
    });
    req.end(body);
  });
}

/** HTTP Basic client authentication as OAuth 2.0 (RFC 6749 2.3.1) defines it: form-encoded id and secret. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`, 'utf8').toString('base64')}`;
}

import { VerifyError } from '../errors.js';
import { fetchCapped } from './fetch-capped.js';
import { FetchFailure } from './fetch-failure.js';
import { jwksFromBody, type KeyEntry } from './jwk.js';

// fetchCapped is the platform's download: node:http(s) in fetch-capped.ts, `fetch` in fetch-capped.web.ts.
export { FetchFailure, fetchCapped };

export interface JwksFetchSettings {
  /** For the whole download: connect, headers and body. */
  timeoutMs: number;
  maxBytes: number;
}

/** GETs and parses a JWKS; every failure becomes JWKS_UNAVAILABLE naming the URI. */
export async function fetchJwks(uri: string, settings: JwksFetchSettings): Promise<Map<string, KeyEntry>> {
  let body: Uint8Array;
  try {
    body = await fetchCapped(uri, settings);
  } catch (error) {
    // fetchCapped rejects only with a FetchFailure, whose message already describes the failure.
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS fetch from ${uri} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return jwksFromBody(uri, body);
}

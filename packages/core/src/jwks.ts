import { createPublicKey, type KeyObject } from 'node:crypto';
import { type AlgorithmSpec, algorithmSpec, MIN_RSA_BITS } from './algorithms.js';
import { VerifyError } from './errors.js';
import { isRecord } from './guards.js';
import type { Jwks } from './types.js';

/** A JWK imported once into a KeyObject, ready for `crypto.verify`. */
export interface UsableKey {
  readonly kid: string;
  readonly kty: 'RSA' | 'EC';
  readonly alg: string | undefined;
  readonly crv: string | undefined;
  /** What `crypto.verify` takes: the KeyObject, or for EC the KeyObject with JOSE's r||s encoding. */
  readonly verifyKey: KeyObject | { key: KeyObject; dsaEncoding: 'ieee-p1363' };
}

/** A published key this verifier refuses to use (weak RSA, unknown kty, ...), kept so errors can say why. */
export interface RefusedKey {
  readonly kid: string;
  readonly refused: string;
}

export type KeyEntry = UsableKey | RefusedKey;

export interface JwksFetchSettings {
  timeoutMs: number;
  maxBytes: number;
  penaltyMs: number;
}

const EC_CURVES = new Set(['P-256', 'P-384', 'P-521']);

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Imports one JWK or explains why it is unusable. Never throws. */
export function importJwk(jwk: Record<string, unknown>, kid: string): KeyEntry {
  const refuse = (refused: string): RefusedKey => ({ kid, refused });
  if (jwk.use !== undefined && jwk.use !== 'sig') return refuse('its "use" is not "sig"');
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    return refuse('its "key_ops" does not include "verify"');
  }
  const kty = jwk.kty;
  let alg: AlgorithmSpec | undefined;
  if (jwk.alg !== undefined) {
    alg = algorithmSpec(jwk.alg);
    if (alg === undefined || alg.kty !== kty)
      return refuse('its "alg" is not an allowed algorithm for its kty');
  }
  try {
    if (kty === 'RSA') {
      if (!nonEmptyString(jwk.n) || !nonEmptyString(jwk.e)) return refuse('RSA key without n/e');
      // Only the public members are passed on, so a published private JWK can never become a signing key here.
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) return refuse(`RSA key has ${bits} bits, fewer than ${MIN_RSA_BITS}`);
      return { kid, kty: 'RSA', alg: alg?.name, crv: undefined, verifyKey: key };
    }
    if (kty === 'EC') {
      const crv = jwk.crv;
      if (typeof crv !== 'string' || !EC_CURVES.has(crv)) return refuse('EC key on an unsupported curve');
      if (alg !== undefined && alg.crv !== crv) return refuse('its "alg" does not match its curve');
      if (!nonEmptyString(jwk.x) || !nonEmptyString(jwk.y)) return refuse('EC key without x/y');
      const key = createPublicKey({ key: { kty: 'EC', crv, x: jwk.x, y: jwk.y }, format: 'jwk' });
      return { kid, kty: 'EC', alg: alg?.name, crv, verifyKey: { key, dsaEncoding: 'ieee-p1363' } };
    }
  } catch {
    return refuse('its key material is invalid');
  }
  return refuse('its kty is not RSA or EC');
}

/**
 * Imports a whole JWKS. Keys without a kid are skipped (a token must name its key); for a duplicated
 * kid the first key wins. Throws a plain Error describing the problem if the document itself is not a JWKS.
 */
export function importJwks(jwks: unknown): Map<string, KeyEntry> {
  if (!isJwks(jwks)) throw new Error('is not a JWKS (an object with a "keys" array)');
  const entries = new Map<string, KeyEntry>();
  for (const jwk of jwks.keys) {
    if (!isRecord(jwk) || !nonEmptyString(jwk.kid) || entries.has(jwk.kid)) continue;
    entries.set(jwk.kid, importJwk(jwk, jwk.kid));
  }
  return entries;
}

/** Checks the token's header alg against the key. */
export function assertKeyFits(entry: KeyEntry, spec: AlgorithmSpec): asserts entry is UsableKey {
  if ('refused' in entry) {
    throw new VerifyError(
      'ALG_NOT_ALLOWED',
      `the JWKS key for this token's kid is refused: ${entry.refused}`,
    );
  }
  if (
    entry.kty !== spec.kty ||
    (entry.alg !== undefined && entry.alg !== spec.name) ||
    entry.crv !== spec.crv
  ) {
    throw new VerifyError('ALG_NOT_ALLOWED', `token alg ${spec.name} does not match the key for its kid`);
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'timed out';
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && 'code' in cause) return `${error.message} (${String(cause.code)})`;
    return error.message;
  }
  return String(error);
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`response of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new Error(`response exceeds the ${maxBytes}-byte limit`);
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks, size);
}

/** GETs and parses a JWKS with node's fetch; every failure becomes JWKS_UNAVAILABLE. */
export async function fetchJwks(uri: string, settings: JwksFetchSettings): Promise<Map<string, KeyEntry>> {
  let body: Buffer;
  try {
    const response = await fetch(uri, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status}`);
    }
    body = await readCapped(response, settings.maxBytes);
  } catch (error) {
    throw new VerifyError('JWKS_UNAVAILABLE', `JWKS fetch from ${uri} failed: ${reason(error)}`, {
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

/** Retry interval while no JWKS has ever loaded (the endpoint is down at start-up). */
const INITIAL_RETRY_MS = 1000;

/**
 * The keys of one JWKS URI: preloaded keys plus the last successful fetch, one KeyObject per kid.
 * Fetches are merged while in flight; a kid that is not known triggers at most one refetch per
 * penalty window; a failed fetch leaves every cached key in place.
 */
export class JwksStore {
  readonly uri: string;
  private readonly settings: JwksFetchSettings;
  private readonly preloaded: Map<string, KeyEntry>;
  private keys: Map<string, KeyEntry>;
  private loaded: boolean;
  private inflight: Promise<void> | undefined;
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private lastError: VerifyError | undefined;

  constructor(uri: string, settings: JwksFetchSettings, preloaded?: Map<string, KeyEntry>) {
    this.uri = uri;
    this.settings = settings;
    this.preloaded = preloaded ?? new Map();
    this.keys = new Map(this.preloaded);
    this.loaded = preloaded !== undefined;
  }

  /** The key for `kid` if it is in memory. */
  find(kid: string): KeyEntry | undefined {
    return this.keys.get(kid);
  }

  /** The error for a kid that is not in memory when fetching is not an option (verifySync). */
  missing(kid: string): VerifyError {
    if (!this.loaded) {
      return new VerifyError(
        'JWKS_UNAVAILABLE',
        this.lastError?.message ?? `JWKS ${this.uri} is not loaded yet: preload it or call hydrate() first`,
      );
    }
    return new VerifyError('KID_UNKNOWN', `no key in the JWKS for this token's kid (${safeKid(kid)})`);
  }

  /** Fetch now (merged with a fetch already in flight). Rejects with JWKS_UNAVAILABLE. */
  refresh(): Promise<void> {
    if (this.inflight !== undefined) return this.inflight;
    this.lastAttempt = Date.now();
    const attempt = fetchJwks(this.uri, this.settings).then(
      (fetched) => {
        for (const [kid, entry] of this.preloaded) fetched.set(kid, entry);
        this.keys = fetched;
        this.loaded = true;
        this.lastError = undefined;
      },
      (error: VerifyError) => {
        this.lastError = error;
        throw error;
      },
    );
    this.inflight = attempt.finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The key for `kid`, fetching the JWKS if allowed. */
  async resolve(kid: string): Promise<KeyEntry> {
    const known = this.keys.get(kid);
    if (known !== undefined) return known;
    const wait = this.loaded ? this.settings.penaltyMs : Math.min(this.settings.penaltyMs, INITIAL_RETRY_MS);
    if (this.inflight === undefined && Date.now() - this.lastAttempt < wait) throw this.missing(kid);
    await this.refresh();
    return this.keys.get(kid) ?? Promise.reject(this.missing(kid));
  }
}

function safeKid(kid: string): string {
  return /^[\w.:=+/-]{1,64}$/.test(kid) ? kid : 'unprintable';
}

export function isJwks(value: unknown): value is Jwks {
  return isRecord(value) && Array.isArray(value.keys);
}

import { VerifyError } from '../errors.js';
import { isRecord } from '../util/guards.js';
import { type AlgorithmSpec, algorithmSpec, type JwsAlgorithm } from './algorithms.js';
import { decodedLength, isBase64url, isCanonicalLength } from './base64url.js';
import { base64urlBytes, isAscii, utf8Bytes, utf8Text } from './bytes.js';

/** Tokens longer than this are refused before any decoding (Cognito tokens are 1–4 KB). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** An unverified, structurally valid JWT as returned by {@link decodeJwt}. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** A header that passed the algorithm rules; safe to pick a key with. */
export interface TokenHeader {
  readonly alg: JwsAlgorithm;
  readonly spec: AlgorithmSpec;
  readonly kid: string;
}

/** Bytes as Uint8Array (Buffers on Node): this file's .d.ts is public and must not need @types/node. */
export interface ParsedToken {
  readonly header: TokenHeader;
  readonly payload: Record<string, unknown>;
  /** `<header>.<payload>` as bytes: what the signature covers. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

// decodeJwt's structure check, from just after the first dot: payload and signature segments in the
// base64url alphabet, the signature possibly empty so unsigned (`alg: none`) tokens can be shown.
const BODY_UNSIGNED = /[\w-]+\.[\w-]*$/y;

// Parsed headers keyed by their segment. Every token of a pool shares a handful of headers (one per kid),
// so this skips a decode + JSON.parse per verification (about 0.7 µs, see bench/README.md). Only headers
// that passed the rules are kept.
const HEADER_CACHE_MAX = 256;
const headerCache = new Map<string, TokenHeader>();

function malformed(message: string): VerifyError {
  return new VerifyError('TOKEN_MALFORMED', message);
}

function checkShape(token: unknown): asserts token is string {
  if (typeof token !== 'string')
    throw malformed(`token must be a string, got ${token === null ? 'null' : typeof token}`);
  if (token.length > MAX_TOKEN_LENGTH) {
    throw malformed(`token is ${token.length} characters, more than the ${MAX_TOKEN_LENGTH} allowed`);
  }
}

function describeBadBody(token: string): VerifyError {
  let segments = 1;
  for (let i = token.indexOf('.'); i !== -1; i = token.indexOf('.', i + 1)) segments++;
  if (segments !== 3) return malformed(`token has ${segments} segments, a compact JWS has exactly 3`);
  return malformed('token segments must be non-empty base64url (A-Z a-z 0-9 - _, no padding)');
}

function jsonObject(segment: string | Uint8Array, what: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown;
  try {
    const bytes = typeof segment === 'string' ? base64urlBytes(segment) : segment;
    value = JSON.parse(utf8Text(bytes));
  } catch {
    throw malformed(`token ${what} is not valid JSON`);
  }
  if (!isRecord(value)) throw malformed(`token ${what} is not a JSON object`);
  return value;
}

/** Splits and checks the three segments; returns the dot positions. */
function split(token: string): [dot1: number, dot2: number] {
  const dot1 = token.indexOf('.');
  if (dot1 <= 0) throw describeBadBody(token);
  BODY_UNSIGNED.lastIndex = dot1 + 1;
  if (!BODY_UNSIGNED.test(token)) throw describeBadBody(token);
  return [dot1, token.indexOf('.', dot1 + 1)];
}

function headerRules(segment: string): TokenHeader {
  if (!isBase64url(segment)) throw malformed('token header is not canonical base64url');
  const header = jsonObject(segment, 'header');
  const spec = algorithmSpec(header.alg);
  if (spec === undefined) {
    // Covers `none`, every HS*, PS*, EdDSA and anything unknown, before any key is looked at.
    const alg = typeof header.alg === 'string' && /^[\w-]{1,16}$/.test(header.alg) ? header.alg : 'this';
    throw new VerifyError('ALG_NOT_ALLOWED', `alg ${alg} is not allowed (RS256/384/512, ES256/384/512 only)`);
  }
  // RFC 7515 §4.1.11: a recipient must reject a token whose `crit` lists extensions it does not
  // understand. This verifier implements none, so any `crit` is refused.
  if (header.crit !== undefined)
    throw malformed('token header has a crit parameter this verifier does not support');
  if (typeof header.kid !== 'string') throw malformed('token header has no kid');
  // A well-formed token that names no published key: the JWKS never holds an empty kid, so no fetch.
  if (header.kid.length === 0) throw new VerifyError('KID_UNKNOWN', 'token header kid is empty');
  // jku, x5u, x5c and jwk are deliberately never read: keys come only from the configured JWKS.
  return { alg: spec.name, spec, kid: header.kid };
}

function headerOf(segment: string): TokenHeader {
  let header = headerCache.get(segment);
  if (header === undefined) {
    header = headerRules(segment);
    if (headerCache.size >= HEADER_CACHE_MAX) headerCache.clear();
    headerCache.set(segment, header);
  }
  return header;
}

/** The checked header of a token that already verified (a cache hit), for customCheck. */
export function verifiedHeader(token: string): TokenHeader {
  return headerOf(token.slice(0, token.indexOf('.')));
}

/** Strict parse for verification: size cap, 3 segments, base64url, JSON objects, algorithm rules. */
export function parseToken(token: unknown): ParsedToken {
  checkShape(token);
  const dot1 = token.indexOf('.');
  if (dot1 <= 0) throw describeBadBody(token);
  // The header goes first so that `alg: none` (whose signature is empty) is reported as an algorithm error.
  const header = headerOf(token.slice(0, dot1));
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot2 === -1 || dot2 === dot1 + 1 || dot2 === token.length - 1) throw describeBadBody(token);
  // Strict base64url for payload and signature without a regex pass over ~1 KB: every character must be
  // ASCII (the UTF-8 signing input is exactly as long as its string) and not '+' or '/', and then the
  // decoder, which skips or stops at anything outside the alphabet ('=', '.', whitespace, ...), must
  // produce exactly the bytes the segment length promises.
  const signingInput = utf8Bytes(token.slice(0, dot2));
  const signatureSegment = token.slice(dot2 + 1);
  if (
    signingInput.length !== dot2 ||
    !isAscii(signatureSegment) ||
    token.indexOf('+', dot1) !== -1 ||
    token.indexOf('/', dot1) !== -1
  ) {
    throw describeBadBody(token);
  }
  const payloadSegment = token.slice(dot1 + 1, dot2);
  if (!isCanonicalLength(payloadSegment) || !isCanonicalLength(signatureSegment)) {
    throw malformed('token segments must be canonical base64url');
  }
  const payloadBytes = base64urlBytes(payloadSegment);
  const signature = base64urlBytes(signatureSegment);
  if (
    payloadBytes.length !== decodedLength(payloadSegment.length) ||
    signature.length !== decodedLength(signatureSegment.length)
  ) {
    throw describeBadBody(token);
  }
  return { header, payload: jsonObject(payloadBytes, 'payload'), signingInput, signature };
}

/**
 * Decodes a token's header and payload WITHOUT verifying anything but its structure (same strict
 * parsing as verification, except that an empty signature is shown too). For display and debugging
 * only; never trust the result.
 */
export function decodeJwt(token: unknown): DecodedJwt {
  checkShape(token);
  const [dot1, dot2] = split(token);
  const headerSegment = token.slice(0, dot1);
  const payloadSegment = token.slice(dot1 + 1, dot2);
  if (
    !isBase64url(headerSegment) ||
    !isCanonicalLength(payloadSegment) ||
    !isCanonicalLength(token.slice(dot2 + 1))
  ) {
    throw malformed('token segments must be canonical base64url');
  }
  return { header: jsonObject(headerSegment, 'header'), payload: jsonObject(payloadSegment, 'payload') };
}

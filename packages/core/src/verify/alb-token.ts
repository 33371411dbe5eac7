/**
 * `x-amzn-oidc-data` as an Application Load Balancer writes it: a JWS whose three segments are base64url
 * WITH `=` padding (which the strict JWS parser refuses), signed ES256 over the padded segments as sent.
 * This parser accepts exactly that encoding (and unpadded segments only where no padding is due), nothing
 * looser: no `+` or `/`, no padding in the middle or in excess, no stray trailing bits.
 */
import { isAlbKeyId } from '../cognito/facts.js';
import { VerifyError } from '../errors.js';
import { isRecord } from '../util/guards.js';
import { type AlgorithmSpec, algorithmSpec } from './algorithms.js';
import { isBase64url } from './base64url.js';
import { MAX_TOKEN_LENGTH } from './jwt.js';

/** The header fields the load balancer signs, checked for shape. */
export interface AlbHeader {
  readonly kid: string;
  readonly signer: string;
  readonly client: string | undefined;
  readonly iss: string | undefined;
  readonly exp: number;
}

export interface AlbToken {
  readonly header: AlbHeader;
  readonly spec: AlgorithmSpec;
  readonly payload: Record<string, unknown>;
  /** `<header>.<payload>` as sent, padding included: what the signature covers. */
  readonly signingInput: Uint8Array;
  /** ES256: r||s, 64 bytes. */
  readonly signature: Uint8Array;
}

const ES256 = algorithmSpec('ES256') as AlgorithmSpec;

function malformed(message: string): VerifyError {
  return new VerifyError('TOKEN_MALFORMED', message);
}

/** The bytes of one padded base64url segment; undefined for any other encoding. */
function paddedSegment(segment: string): Uint8Array | undefined {
  const n = segment.length;
  if (n === 0 || n % 4 !== 0) return undefined;
  const pad = segment.endsWith('==') ? 2 : segment.endsWith('=') ? 1 : 0;
  const body = segment.slice(0, n - pad);
  // The alphabet and canonical trailing bits; `n % 4 === 0` makes the padding exactly what is due.
  if (!isBase64url(body)) return undefined;
  return Buffer.from(body, 'base64url');
}

function jsonObject(bytes: Uint8Array, what: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw malformed(`token ${what} is not valid JSON`);
  }
  if (!isRecord(value)) throw malformed(`token ${what} is not a JSON object`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value !== undefined && typeof value !== 'string')
    throw malformed(`token header ${name} is not a string`);
  return value;
}

/** The header's rules: ES256 only, a key id shaped like the ALB's, the signed fields of the right types. */
function headerOf(header: Record<string, unknown>): AlbHeader {
  if (header.alg !== 'ES256') {
    const alg = typeof header.alg === 'string' && /^[\w-]{1,16}$/.test(header.alg) ? header.alg : 'this';
    throw new VerifyError('ALG_NOT_ALLOWED', `alg ${alg} is not allowed (a load balancer signs ES256)`);
  }
  if (header.crit !== undefined)
    throw malformed('token header has a crit parameter this verifier does not support');
  // The kid goes into the key URL: only the ALB's own shape, so nothing can steer the download elsewhere.
  if (!isAlbKeyId(header.kid)) throw malformed('token header kid is not an ALB key id (a UUID)');
  if (typeof header.signer !== 'string') throw malformed('token header has no signer');
  const exp = header.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp))
    throw new VerifyError(
      'CLAIM_INVALID',
      `header exp ${exp === undefined ? 'is missing' : 'is not a number'}`,
    );
  return {
    kid: header.kid,
    signer: header.signer,
    client: optionalString(header.client, 'client'),
    iss: optionalString(header.iss, 'iss'),
    exp,
  };
}

/** Parses `x-amzn-oidc-data`: size cap, three padded base64url segments, JSON objects, the header's rules. */
export function parseAlbToken(token: unknown): AlbToken {
  if (typeof token !== 'string')
    throw malformed(`token must be a string, got ${token === null ? 'null' : typeof token}`);
  if (token.length > MAX_TOKEN_LENGTH)
    throw malformed(`token is ${token.length} characters, more than the ${MAX_TOKEN_LENGTH} allowed`);
  const dot1 = token.indexOf('.');
  const dot2 = dot1 === -1 ? -1 : token.indexOf('.', dot1 + 1);
  if (dot2 === -1 || token.indexOf('.', dot2 + 1) !== -1)
    throw malformed('token does not have exactly 3 segments');
  const headerBytes = paddedSegment(token.slice(0, dot1));
  const payloadBytes = paddedSegment(token.slice(dot1 + 1, dot2));
  const signature = paddedSegment(token.slice(dot2 + 1));
  if (headerBytes === undefined || payloadBytes === undefined || signature === undefined)
    throw malformed('token segments must be base64url padded with = as a load balancer writes them');
  const header = headerOf(jsonObject(headerBytes, 'header'));
  const payload = jsonObject(payloadBytes, 'payload');
  // The segments are ASCII (checked above), so the signing input is the string's own bytes.
  const signingInput = Buffer.from(token.slice(0, dot2), 'latin1');
  return { header, spec: ES256, payload, signingInput, signature };
}

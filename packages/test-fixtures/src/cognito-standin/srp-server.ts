import { randomBytes, timingSafeEqual } from 'node:crypto';
import { fail, missingParameter, notAuthorized } from './errors.js';
import { bigFrom, claimSignature, SRP_N, serverPublic, serverSessionKey } from './srp-math.js';
import { parseSrpTimestamp } from './srp-timestamp.js';

// One SRP exchange: the PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) challenge Cognito sends after SRP_A,
// and the check of the client's PASSWORD_CLAIM_SIGNATURE. Challenge parameters per
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
// (ChallengeName: PASSWORD_VERIFIER): SALT (hex), SRP_B (hex), SECRET_BLOCK (base64), USERNAME, USER_ID_FOR_SRP.

/** How far TIMESTAMP may be from the stand-in's clock. Cognito documents no figure; 5 minutes is the usual skew. */
export const TIMESTAMP_SKEW_MS = 5 * 60_000;
const MAX_SRP_A_HEX = 2048;

export interface SrpExchange {
  /** Pool name (users) or device group key (devices). */
  group: string;
  /** Username (users) or device key (devices). */
  id: string;
  A: bigint;
  B: bigint;
  b: bigint;
  verifier: bigint;
  salt: bigint;
  secretBlock: Buffer;
}

/** SRP_A from the client: lower- or upper-case hex, and not 0 mod N (RFC 5054 §2.5.4). */
export function parseSrpA(value: string | undefined): bigint {
  if (value === undefined || value === '') throw missingParameter('SRP_A');
  if (value.length > MAX_SRP_A_HEX) throw fail('InvalidParameterException', 'SRP_A is too long');
  for (const ch of value.toLowerCase()) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
      throw fail('InvalidParameterException', 'SRP_A must be hexadecimal');
    }
  }
  const A = BigInt(`0x${value}`);
  if (A % SRP_N === 0n) throw fail('InvalidParameterException', 'SRP_A mod N must not be 0');
  return A;
}

/** The server's ephemeral secret b: 256 random bits (enough for SRP's discrete-log hardness; keeps tests fast). */
export function beginSrp(input: {
  group: string;
  id: string;
  verifier: bigint;
  salt: bigint;
  A: bigint;
}): SrpExchange {
  const b = bigFrom(randomBytes(32));
  return { ...input, b, B: serverPublic(input.verifier, b), secretBlock: randomBytes(96) };
}

/** SALT, SRP_B and SECRET_BLOCK of the verifier challenge. */
export function srpChallengeParameters(exchange: SrpExchange): Record<string, string> {
  return {
    SALT: exchange.salt.toString(16),
    SECRET_BLOCK: exchange.secretBlock.toString('base64'),
    SRP_B: exchange.B.toString(16),
  };
}

/**
 * The client's proof: PASSWORD_CLAIM_SECRET_BLOCK must be the block this exchange sent, TIMESTAMP well-formed
 * and near the clock, PASSWORD_CLAIM_SIGNATURE the HMAC under the shared key. Any mismatch is the same
 * NotAuthorizedException a wrong password gives.
 */
export function checkSrpProof(exchange: SrpExchange, responses: Record<string, string>, nowMs: number): void {
  const block = responses.PASSWORD_CLAIM_SECRET_BLOCK;
  const signature = responses.PASSWORD_CLAIM_SIGNATURE;
  const timestamp = responses.TIMESTAMP;
  if (block === undefined) throw missingParameter('PASSWORD_CLAIM_SECRET_BLOCK');
  if (signature === undefined) throw missingParameter('PASSWORD_CLAIM_SIGNATURE');
  if (timestamp === undefined) throw missingParameter('TIMESTAMP');
  const when = parseSrpTimestamp(timestamp);
  if (when === undefined) throw fail('InvalidParameterException', 'TIMESTAMP is not in the expected format');
  if (Math.abs(when - nowMs) > TIMESTAMP_SKEW_MS) throw notAuthorized();
  const sentBlock = Buffer.from(block, 'base64');
  if (!sentBlock.equals(exchange.secretBlock)) throw notAuthorized();
  const key = serverSessionKey(exchange.A, exchange.B, exchange.b, exchange.verifier);
  const expected = claimSignature(key, exchange.group, exchange.id, exchange.secretBlock, timestamp);
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notAuthorized();
}

/** The verifier's signature step, on whichever platform public-key.ts is (node:crypto or Web Crypto). */
import { ConfigError, VerifyError } from '../errors.js';
import { assertKeyFits, INVALID_KEY_MATERIAL, type KeyEntry, keyRefused } from './jwk.js';
import type { ParsedToken } from './jwt.js';
import { SYNC_SIGNATURES, verifySignature } from './public-key.js';

function invalid(): VerifyError {
  return new VerifyError('SIGNATURE_INVALID', 'token signature is invalid');
}

/**
 * Checks the signature with `entry`'s key: SIGNATURE_INVALID when it does not verify, ALG_NOT_ALLOWED when
 * the key does not fit the token or cannot be used. Returns undefined when the answer is synchronous
 * (node:crypto), a promise when it is not (Web Crypto).
 */
export function checkSignature(parsed: ParsedToken, entry: KeyEntry): undefined | Promise<void> {
  const spec = parsed.header.spec;
  assertKeyFits(entry, spec);
  const signature = parsed.signature;
  if (spec.signatureBytes !== undefined && signature.length !== spec.signatureBytes) throw invalid();
  const valid = verifySignature(spec, entry.verifyKey, parsed.signingInput, signature);
  if (valid === true) return undefined;
  if (valid === false) throw invalid();
  return valid.then(
    (ok) => {
      if (!ok) throw invalid();
    },
    (error: unknown) => {
      throw keyRefused(error instanceof Error ? error.message : INVALID_KEY_MATERIAL);
    },
  );
}

/** verifySync needs synchronous signatures: on the web build (Web Crypto) it refuses every call. */
export function assertSyncSignatures(): void {
  if (!SYNC_SIGNATURES) throw nodeOnly();
}

export function nodeOnly(): ConfigError {
  return new ConfigError(
    'verifySync',
    'is Node-only: Web Crypto verifies signatures asynchronously, so on this runtime use verify()',
  );
}

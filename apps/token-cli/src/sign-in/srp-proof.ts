import { CliError } from '../errors.js';
import type { SrpSession } from '../srp.js';

/**
 * PASSWORD_CLAIM_* for a PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER challenge. What Cognito sent is
 * checked first: SALT and SRP_B hex, SECRET_BLOCK present; B = 0 mod N is refused by the SRP session.
 */
export function srpProof(
  challenge: string,
  srp: SrpSession,
  parameters: Record<string, string>,
  id: string,
  password: string,
): Record<string, string> {
  const { SALT, SRP_B, SECRET_BLOCK } = parameters;
  if (!SALT || !SRP_B || !SECRET_BLOCK) {
    throw new CliError(`Cognito sent ${challenge} without SALT, SRP_B or SECRET_BLOCK`);
  }
  let proof: { timestamp: string; signature: string };
  try {
    proof = srp.respond({ userIdForSrp: id, password, salt: SALT, srpB: SRP_B, secretBlock: SECRET_BLOCK });
  } catch (error) {
    throw new CliError(`Cognito sent an unusable ${challenge}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE: proof.signature,
    TIMESTAMP: proof.timestamp,
  };
}

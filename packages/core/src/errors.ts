/** Every error cogauth throws on purpose derives from CogauthError. */
export class CogauthError extends Error {
  override name = 'CogauthError';
}

/**
 * Bad configuration, caught at creation time. `field` names the offending option or variable; the message
 * starts with `at`, the exact place when it lies inside `field` (`COGAUTH_POOLS[1].issuer`).
 */
export class ConfigError extends CogauthError {
  override name = 'ConfigError';
  readonly field: string;
  constructor(field: string, message: string, at: string = field) {
    super(`${at}: ${message}`);
    this.field = field;
  }
}

export const VERIFY_ERROR_CODES = [
  'TOKEN_MALFORMED',
  'ALG_NOT_ALLOWED',
  'KID_UNKNOWN',
  'SIGNATURE_INVALID',
  'TOKEN_EXPIRED',
  'TOKEN_NOT_YET_VALID',
  'ISSUER_INVALID',
  'AUDIENCE_INVALID',
  'TOKEN_USE_INVALID',
  'GROUP_NOT_ALLOWED',
  'SCOPE_NOT_ALLOWED',
  'JWKS_UNAVAILABLE',
  'CLAIM_INVALID',
  'CUSTOM_CHECK_FAILED',
] as const;

export type VerifyErrorCode = (typeof VERIFY_ERROR_CODES)[number];

/** A token was refused. `code` is stable; the message never contains the token. */
export class VerifyError extends CogauthError {
  override name = 'VerifyError';
  readonly code: VerifyErrorCode;
  constructor(code: VerifyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

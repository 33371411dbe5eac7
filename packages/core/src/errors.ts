import { type ConfigPath, configPathText } from './util/config-path.js';

export type { ConfigPath } from './util/config-path.js';

/** Every error cogauth throws on purpose derives from CogauthError. */
export class CogauthError extends Error {
  override name = 'CogauthError';
}

/**
 * Bad configuration, caught at creation time. `path` says where (`['COGAUTH_POOLS', 1, 'issuer']`), `detail`
 * what is wrong; the message is both (`COGAUTH_POOLS[1].issuer: is used by two pools`). `field` is the
 * path's first segment: the option, setting or variable.
 */
export class ConfigError extends CogauthError {
  override name = 'ConfigError';
  readonly path: ConfigPath;
  readonly detail: string;
  readonly field: string;
  /** A string `path` is one segment. */
  constructor(path: string | ConfigPath, detail: string) {
    const segments: ConfigPath = Object.freeze(typeof path === 'string' ? [path] : [...path]);
    super(`${configPathText(segments)}: ${detail}`);
    this.path = segments;
    this.detail = detail;
    this.field = String(segments[0] ?? '');
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

export type { JwsAlgorithm } from './algorithms.js';
export { SUPPORTED_ALGORITHMS } from './algorithms.js';
export {
  CogauthError,
  ConfigError,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export { type DecodedJwt, decodeJwt, MAX_TOKEN_LENGTH } from './jwt.js';
export type {
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  Jwk,
  Jwks,
  VerifierSettings,
} from './types.js';
export { createCognitoVerifier } from './verifier.js';

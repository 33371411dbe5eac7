export type { JwsAlgorithm } from './algorithms.js';
export { SUPPORTED_ALGORITHMS } from './algorithms.js';
export {
  type AuthorizerOptions,
  type AuthorizerResult,
  type DecisionLog,
  type DecisionReason,
  defaultContext,
  type EventKind,
  formatDecisionLog,
  type SimpleAuthorizerResult,
} from './authorizer.js';
export { type BearerResult, parseBearer } from './bearer.js';
export {
  cognitoEndpointOf,
  dnsSuffixOf,
  type IssuerFormat,
  isAwsUserPoolId,
  isRegion,
  issuerOf,
  issuersOf,
  jwksUriOf,
  openIdConfigurationUriOf,
  PARTITIONS,
  type Partition,
  parseUserPoolId,
  partitionOfRegion,
  type UserPoolIdParts,
} from './cognito.js';
export {
  CogauthError,
  ConfigError,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export {
  type AuthorizerHandler,
  createAuthorizer,
  type HttpApiAuthorizerEvent,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from './handler-types.js';
export { type DecodedJwt, decodeJwt, MAX_TOKEN_LENGTH } from './jwt.js';
export {
  type AuthorizerContext,
  type AuthorizerPolicyResult,
  AuthPolicy,
  type Conditions,
  type ContextValue,
  HTTP_VERBS,
  type HttpVerb,
  type MethodArn,
  type PolicyDocument,
  type PolicyStatement,
  type PolicyVerb,
  parseMethodArn,
  toAuthorizerContext,
} from './policy.js';
export {
  type CompiledRule,
  claimsSatisfy,
  compileRules,
  isRouteAllowed,
  parseRules,
  permittedRules,
  type RouteRule,
  ruleMatches,
} from './rules.js';
export type {
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  Jwk,
  Jwks,
  JwksInput,
  VerifierSettings,
} from './types.js';
export { createCognitoVerifier } from './verifier.js';

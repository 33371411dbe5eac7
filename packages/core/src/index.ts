export type { JwsAlgorithm } from './algorithms.js';
export { SUPPORTED_ALGORITHMS } from './algorithms.js';
export type { AppSyncAuthorizerResult } from './appsync.js';
export { type MethodArn, parseMethodArn } from './arn.js';
export {
  type Authenticator,
  type AuthenticatorOptions,
  type AuthRequest,
  type AuthResult,
  createAuthenticator,
} from './authenticate.js';
export type {
  AuthorizerOptions,
  AuthorizerResult,
  HttpApiCache,
  HttpApiResponse,
  SimpleAuthorizerResult,
} from './authorizer.js';
export { type BearerResult, parseBearer } from './bearer.js';
export {
  cognitoEndpointOf,
  dnsSuffixOf,
  type IssuerFormat,
  type IssuerParts,
  isAwsUserPoolId,
  isClientId,
  isRegion,
  issuerFromParts,
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
  type AuthorizerContext,
  type ContextValue,
  defaultContext,
  toAuthorizerContext,
} from './context.js';
export {
  compileDecisionRules,
  type Decision,
  type DecisionEffect,
  type DecisionRequest,
  DecisionRules,
  type DecisionStatus,
  decide,
  isGraphqlRule,
  outcomeOf,
  type VerifyOutcome,
} from './decide.js';
export { type DecisionLog, type DecisionReason, formatDecisionLog } from './decision-log.js';
export {
  CogauthError,
  ConfigError,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export type { EventKind } from './events.js';
export { isRecord } from './guards.js';
export {
  type AuthorizerHandler,
  createAuthorizer,
  type HttpApiAuthorizerEvent,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from './handler-types.js';
export { type HttpRefusal, refusalOf } from './http-answer.js';
export { type DecodedJwt, decodeJwt, MAX_TOKEN_LENGTH } from './jwt.js';
export { isLoopbackHost } from './loopback.js';
export {
  type AuthorizerPolicyResult,
  AuthPolicy,
  type Conditions,
  type PolicyDocument,
  type PolicyStatement,
} from './policy.js';
export { isCanonicalPath } from './request-path.js';
export { HTTP_VERBS, type HttpVerb, type PolicyVerb } from './route.js';
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
  ClaimChecks,
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  CustomCheck,
  CustomCheckInput,
  Jwk,
  Jwks,
  JwksInput,
  VerifierSettings,
  VerifyOverrides,
} from './types.js';
export { createCognitoVerifier } from './verifier.js';

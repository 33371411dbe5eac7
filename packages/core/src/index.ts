export {
  type Authenticator,
  type AuthenticatorOptions,
  type AuthRequest,
  type AuthResult,
  createAuthenticator,
} from './adapters/authenticator.js';
export { isCanonicalPath } from './adapters/request-path.js';
export type { AppSyncAuthorizerResult } from './answer/appsync.js';
export { type MethodArn, parseMethodArn } from './answer/arn.js';
export { type HttpRefusal, refusalOf } from './answer/http-refusal.js';
export {
  type AuthorizerPolicyResult,
  AuthPolicy,
  type Conditions,
  type PolicyDocument,
  type PolicyStatement,
} from './answer/policy.js';
export type {
  AuthorizerOptions,
  AuthorizerResult,
  HttpApiCache,
  HttpApiResponse,
  SimpleAuthorizerResult,
} from './authorizer/authorizer.js';
export type { EventKind } from './authorizer/events.js';
export {
  type AuthorizerHandler,
  createAuthorizer,
  type HttpApiAuthorizerEvent,
  type RequestAuthorizerEvent,
  type TokenAuthorizerEvent,
} from './authorizer/handler-types.js';
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
} from './cognito/facts.js';
export { isLoopbackHost } from './cognito/loopback.js';
export { type BearerResult, parseBearer } from './decide/bearer.js';
export {
  type AuthorizerContext,
  type ContextValue,
  defaultContext,
  toAuthorizerContext,
} from './decide/context.js';
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
} from './decide/decide.js';
export { HTTP_VERBS, type HttpVerb, type PolicyVerb } from './decide/route.js';
export {
  type CompiledRule,
  claimsSatisfy,
  compileRules,
  isRouteAllowed,
  parseRules,
  permittedRules,
  type RouteRule,
  ruleMatches,
} from './decide/rules.js';
export {
  CogauthError,
  ConfigError,
  type ConfigPath,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export { type DecisionLog, type DecisionReason, formatDecisionLog } from './pipeline/decision-log.js';
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
  PoolAllowEntry,
  PoolIssuer,
  PoolResolver,
  PoolResolverOptions,
  PoolSettings,
  VerifierSettings,
  VerifyOverrides,
} from './types.js';
export { isRecord } from './util/guards.js';
export type { JwsAlgorithm } from './verify/algorithms.js';
export { SUPPORTED_ALGORITHMS } from './verify/algorithms.js';
export { type DecodedJwt, decodeJwt, MAX_TOKEN_LENGTH } from './verify/jwt.js';
export { createCognitoVerifier } from './verify/verifier.js';

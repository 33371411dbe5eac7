/**
 * `@cogauth/core`: the Cognito JWT verifier, the API Gateway / AppSync authorizer, the framework-neutral
 * authenticator, and their errors. The rest lives on subpaths, each for one audience: `/cognito` (pool id,
 * issuer and JWKS URL facts), `/rules` (rule parsing and the decision, for tools), `/policy` (the IAM
 * policy builder), `/lambda` (the environment-configured handler and its COGAUTH_* contract),
 * `/lambda-bundle`, and the framework adapters `/express`, `/fastify`, `/hono`, `/middy`.
 */

export type { Authenticator, AuthRequest, AuthResult } from './adapters/authenticator.js';
export { createAuthenticator } from './adapters/authenticator.js';
export type { AppSyncAuthorizerResult } from './answer/appsync.js';
export type { HttpRefusal } from './answer/http-refusal.js';
export { refusalOf } from './answer/http-refusal.js';
export type { AuthorizerPolicyResult, PolicyDocument, PolicyStatement } from './answer/policy.js';
export type { SimpleAuthorizerResult } from './answer/policy-answer.js';
export { createAuthorizer } from './authorizer/create-authorizer.js';
export type {
  AuthorizerHandler,
  AuthorizerResult,
  HttpApiAuthorizerEvent,
  RequestAuthorizerEvent,
  TokenAuthorizerEvent,
} from './authorizer/handler-types.js';
export type { AuthorizerContext, ContextValue } from './decide/context.js';
export type { DecisionReason } from './decide/decide.js';
export type { RouteRule } from './decide/rules.js';
export {
  CogauthError,
  ConfigError,
  type ConfigPath,
  VERIFY_ERROR_CODES,
  VerifyError,
  type VerifyErrorCode,
} from './errors.js';
export type { LogLevel } from './observability/log-policy.js';
export type { DimensionName, MetricName, MetricUnit } from './observability/metric-names.js';
export type { MetricDatum, MetricsOptions } from './observability/metrics-options.js';
export type { TracingMode } from './observability/tracing.js';
export type { DecisionLog, EventKind } from './pipeline/decision-log.js';
export type { CogauthOptions, ContextHook, HttpApiCache, HttpApiResponse } from './pipeline/options.js';
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
export type { JwsAlgorithm } from './verify/algorithms.js';
export { type DecodedJwt, decodeJwt } from './verify/jwt.js';
export { createCognitoVerifier } from './verify/verifier.js';

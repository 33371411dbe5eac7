import type { AuthorizerPolicyResult } from '../answer/policy.js';
import type { SimpleAuthorizerResult } from '../answer/policy-answer.js';
import { checkAnswerSize } from '../answer/size-check.js';
import { ConfigError } from '../errors.js';
import { type CogauthOptions, readOptions } from '../pipeline/options.js';
import { API_GATEWAY_KINDS } from './api-gateway.js';
import { APPSYNC_KIND } from './appsync.js';
import { authorizerOf } from './authorizer.js';
import type { EventKindSpec } from './events.js';
import { type AuthorizerHandler, typedHandler } from './handler-types.js';

/**
 * Every event kind: what `createAuthorizer` and `handlerFromEnv` answer. Marked pure: a spread at module
 * level would keep every kind (and its answers) in a bundle that never creates an authorizer, such as a
 * Worker that imports only the verifier from the web build.
 */
export const ALL_KINDS: readonly EventKindSpec[] = /* @__PURE__ */ API_GATEWAY_KINDS.concat(APPSYNC_KIND);

/**
 * One async Lambda handler for REST TOKEN and REQUEST authorizers, HTTP API payload 2.0 authorizers,
 * WebSocket `$connect` authorizers and AppSync Lambda authorizers.
 *
 * - Authentication failures (no or malformed header, any verification failure, an unknown event shape, a
 *   throwing context hook, any unexpected error) throw `Error('Unauthorized')`, which API Gateway answers
 *   with 401.
 * - A valid token without a rule for the route gets an explicit Deny (403) or `isAuthorized: false` (403).
 * - An Allow policy lists every route the caller may use, so a cached policy is right for every route
 *   (`answerMode: 'per-request'`: the part of it the request needs). A rule set whose answer could be larger
 *   than API Gateway takes throws a ConfigError naming `rules`; an answer too large for its ARN prefix,
 *   principal and context is a 401 (ANSWER_TOO_LARGE).
 * - AppSync: `isAuthorized: false` without a valid token; else `isAuthorized: true` with `deniedFields`
 *   listing every `GRAPHQL Type.field` rule's field the caller may not use (right for any operation).
 *
 * The return type follows `httpApiResponse`: HTTP API events get an IAM policy with `'iam'` (the default),
 * a simple `{isAuthorized}` answer with `'simple'`. A bad option throws a ConfigError naming it.
 */
// The overload whose `httpApiResponse` is optional must be the one for the run-time default (`iam`).
export function createAuthorizer(
  options: CogauthOptions & { httpApiResponse: 'simple' },
): AuthorizerHandler<SimpleAuthorizerResult>;
export function createAuthorizer(
  options: CogauthOptions & { httpApiResponse?: 'iam' },
): AuthorizerHandler<AuthorizerPolicyResult>;
export function createAuthorizer(options: CogauthOptions): AuthorizerHandler;
export function createAuthorizer(options: CogauthOptions): AuthorizerHandler {
  const setup = readOptions(options);
  // API Gateway and AppSync pass the Authorization value; x-amzn-oidc-data comes only from a load balancer.
  if (setup.tokenSource !== 'authorization')
    throw new ConfigError('verifier', 'is an ALB verifier: use it with createAuthenticator or an adapter');
  checkAnswerSize(setup.access, setup.answerMode, setup.rules.length, ['rules']);
  return typedHandler(authorizerOf(setup, ALL_KINDS));
}

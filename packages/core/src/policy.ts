/**
 * `@cogauth/core/policy`: the IAM policy builder for Lambda authorizers of your own, and the method / route
 * ARN parser it scopes policies with.
 */
export { type MethodArn, parseMethodArn } from './answer/arn.js';
export {
  type AuthorizerPolicyResult,
  AuthPolicy,
  type Conditions,
  type ConditionValue,
  type Effect,
  type PolicyDocument,
  type PolicyStatement,
} from './answer/policy.js';
export type { AuthorizerContext, ContextValue } from './decide/context.js';
export type { HttpVerb, PolicyVerb } from './decide/route.js';

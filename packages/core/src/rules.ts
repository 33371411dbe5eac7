/**
 * `@cogauth/core/rules`: the route rules and the decision every cogauth entry point makes from them, for
 * tools that explain or test a rule set (`cogauth check`) and for engines that match routes as the rules do;
 * the access model interface other engines implement (`@cogauth/cedar`), and `routeGrants`, API Gateway's
 * route selection and cache-safe policies for grants that are sets of routes.
 */
export type { AccessModel, Caller, NoCaller, PolicyResources } from './decide/access-model.js';
export {
  type DecisionEffect,
  type DecisionReason,
  type DecisionRequest,
  type DecisionStatus,
  type Unauthorized,
  type VerifyOutcome,
  verifyAuthorization,
} from './decide/decide.js';
export { HTTP_VERBS, type HttpVerb } from './decide/route.js';
export { type RouteGrants, type RoutePolicy, routeGrants } from './decide/route-grants.js';
export { type RoutePattern, routePattern } from './decide/route-pattern.js';
export { type Decision, decide } from './decide/rule-decision.js';
export { parseRules, type RouteRule } from './decide/rules.js';

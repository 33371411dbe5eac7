import type { EventKind } from '../authorizer/events.js';
import { parseBearer } from '../decide/bearer.js';
import { type AuthorizerContext, toAuthorizerContext } from '../decide/context.js';
import { compileDecisionRules, decide, errorName, outcomeOf } from '../decide/decide.js';
import { checkCaseBlindShadowing, type RouteRule } from '../decide/rules.js';
import { ConfigError } from '../errors.js';
import {
  DECISION_LOG_MSG,
  type DecisionLog,
  type DecisionReason,
  elapsedMs,
  emitDecisionLog,
  formatDecisionLog,
} from '../pipeline/decision-log.js';
import type {
  AlbVerifier,
  CognitoClaims,
  CognitoVerifier,
  CognitoVerifierOptions,
  PoolResolverOptions,
} from '../types.js';
import { createCognitoVerifier } from '../verify/verifier.js';
import { isCanonicalPath, MAX_PATH_LENGTH } from './request-path.js';
import { isAlbVerifier, oidcDataToken } from './token-source.js';

/** What an adapter reads from a request. */
export interface AuthRequest {
  /** `GET`, `POST`, … as the server received it. */
  readonly method: string;
  /**
   * The path exactly as the framework's router matches it, without the query string (`/messages/42`);
   * `''` when the adapter cannot tell (a `#` in the target, say), which is refused.
   */
  readonly path: string;
  /** The `Authorization` header as received (a string, or whatever the framework holds). */
  readonly authorization: unknown;
  /** The `x-amzn-oidc-data` header as received: the token when the verifier is an ALB verifier. */
  readonly oidcData?: unknown;
}

/**
 * The answer: 200 (the caller may go on; `claims` and `context` describe them), 401 (no valid token) or 403
 * (a valid token without a rule for this request). `reason` is the decision log's reason code: log it, do
 * not send it to the caller.
 */
export interface AuthResult {
  readonly status: 200 | 401 | 403;
  readonly reason: DecisionReason;
  readonly claims?: CognitoClaims;
  readonly context?: AuthorizerContext;
}

export type Authenticator = (request: AuthRequest, event?: EventKind) => Promise<AuthResult>;

export interface AuthenticatorOptions {
  /**
   * A verifier, or the options to create one with (`createCognitoVerifier`). With an ALB verifier
   * (`createAlbVerifier`) the token is read from `x-amzn-oidc-data` instead of `Authorization`, and the
   * claims (in `context` and the answer) are the ALB's user claims: `AlbClaims`, without `token_use`.
   */
  verifier:
    | CognitoVerifier
    | AlbVerifier
    | CognitoVerifierOptions
    | CognitoVerifierOptions[]
    | PoolResolverOptions;
  /** The same rules as `createAuthorizer` takes (code or JSON); a malformed set throws a ConfigError. */
  rules: readonly RouteRule[] | string;
  /** Extra context entries, as for `createAuthorizer`. Throwing fails closed (401). */
  context?: (
    claims: CognitoClaims,
  ) => Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
  /** Receives one entry per decision; defaults to one JSON line on stdout (the authorizer's line). */
  logger?: (entry: DecisionLog) => void;
}

/**
 * A framework-neutral `authenticate(request)` with the API Gateway authorizer's rules, reason codes and log
 * line (`event` names the door: `HTTP` by default). It never throws: any unexpected error is a 401. A
 * path a router could read differently from the rules (`/a/../b`, `/a/`, `%2e`, `''`) gets 403 PATH_INVALID
 * (after a missing or refused token's 401, before the `context` hook). Rules are matched case-sensitively;
 * HTTP rules that clash once letter case is ignored are refused (a ConfigError), see
 * `checkCaseBlindShadowing`.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const { context: hook, logger } = options;
  if (typeof options.verifier !== 'object' || options.verifier === null)
    throw new ConfigError('verifier', 'must be a CognitoVerifier or verifier options');
  const verifier =
    typeof (options.verifier as CognitoVerifier).verify === 'function'
      ? (options.verifier as CognitoVerifier | AlbVerifier)
      : createCognitoVerifier(options.verifier as CognitoVerifierOptions);
  const fromOidcData = isAlbVerifier(verifier);
  if (hook !== undefined && typeof hook !== 'function')
    throw new ConfigError('context', 'must be a function');
  if (logger !== undefined && typeof logger !== 'function')
    throw new ConfigError('logger', 'must be a function');
  const rules = compileDecisionRules(options.rules);
  checkCaseBlindShadowing(rules.http);
  const log = logger ?? ((entry: DecisionLog) => console.log(formatDecisionLog(entry)));

  return async function authenticate(request: AuthRequest, event: EventKind = 'HTTP'): Promise<AuthResult> {
    const start = performance.now();
    const entry: DecisionLog = {
      msg: DECISION_LOG_MSG,
      decision: 'Unauthorized',
      reason: 'INTERNAL_ERROR',
      event,
      latencyMs: 0,
    };
    let result: AuthResult;
    try {
      result = await decideRequest(request, entry);
    } catch (err) {
      entry.decision = 'Unauthorized';
      entry.reason = 'INTERNAL_ERROR';
      entry.error = errorName(err);
      result = { status: 401, reason: 'INTERNAL_ERROR' };
    }
    entry.latencyMs = elapsedMs(start);
    emitDecisionLog(log, entry);
    return result;
  };

  async function decideRequest(request: AuthRequest, entry: DecisionLog): Promise<AuthResult> {
    const { method, path } = request;
    if (typeof method !== 'string' || typeof path !== 'string') {
      entry.reason = 'EVENT_UNSUPPORTED';
      return { status: 401, reason: 'EVENT_UNSUPPORTED' };
    }
    entry.route = `${method} ${path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path}`;
    const bearer = fromOidcData ? oidcDataToken(request.oidcData) : parseBearer(request.authorization);
    const outcome = await outcomeOf(verifier, bearer);
    const decision = decide({ kind: 'http', method, path }, outcome, rules);
    entry.reason = decision.reason;
    if (decision.status === 401) {
      if (decision.error) entry.error = decision.error;
      return { status: 401, reason: decision.reason };
    }
    const context = decision.context;
    // A path the router could read differently is refused before the context hook runs.
    if (!isCanonicalPath(path)) {
      entry.principal = decision.principal;
      entry.permittedRules = decision.permitted.length;
      entry.decision = 'Deny';
      entry.reason = 'PATH_INVALID';
      return { status: 403, reason: 'PATH_INVALID', claims: decision.claims, context };
    }
    if (hook) {
      try {
        Object.assign(context, toAuthorizerContext(await hook(decision.claims)));
      } catch (err) {
        entry.reason = 'CONTEXT_ERROR';
        entry.error = errorName(err);
        return { status: 401, reason: 'CONTEXT_ERROR' };
      }
    }
    entry.principal = decision.principal;
    entry.permittedRules = decision.permitted.length;
    entry.decision = decision.status === 200 ? 'Allow' : 'Deny';
    return { status: decision.status, reason: entry.reason, claims: decision.claims, context };
  }
}

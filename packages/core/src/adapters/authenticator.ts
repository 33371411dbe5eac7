import { parseBearer } from '../decide/bearer.js';
import type { AuthorizerContext } from '../decide/context.js';
import {
  type DecisionReason,
  type DecisionRequest,
  errorName,
  type Unauthorized,
  type Verdict,
} from '../decide/decide.js';
import { httpRules } from '../decide/route-access.js';
import { checkCaseBlindShadowing } from '../decide/rules.js';
import type { EventKind } from '../pipeline/decision-log.js';
import { type CogauthOptions, readOptions } from '../pipeline/options.js';
import { type Finisher, type RunInput, Runner } from '../pipeline/runner.js';
import { oidcDataToken } from '../pipeline/token-source.js';
import type { CognitoClaims } from '../types.js';
import { isCanonicalPath, MAX_PATH_LENGTH } from './request-path.js';

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

const EVENT_UNSUPPORTED: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'EVENT_UNSUPPORTED' };
const INTERNAL_ERROR: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'INTERNAL_ERROR' };

const AS_AUTH_RESULT: Finisher<RunInput, AuthResult> = {
  answer: (_run, verdict: Verdict<object>) => ({
    status: verdict.status,
    reason: verdict.reason,
    claims: verdict.claims,
    context: verdict.context,
  }),
  refuse: (_run, refusal) => ({ status: 401, reason: refusal.reason }),
};

/** The path as logged: cut at MAX_PATH_LENGTH (a longer one is refused anyway). */
function loggedRoute(method: string, path: string): string {
  return `${method} ${path.length > MAX_PATH_LENGTH ? `${path.slice(0, MAX_PATH_LENGTH)}…` : path}`;
}

/**
 * A framework-neutral `authenticate(request)` with the API Gateway authorizer's rules, reason codes and log
 * line (`event` names the door: `HTTP` by default). It never throws: any unexpected error is a 401. A
 * path a router could read differently from the rules (`/a/../b`, `/a/`, `%2e`, `''`) gets 403 PATH_INVALID
 * (after a missing or refused token's 401, before the `context` hook). A HEAD request must be allowed as a
 * GET as well: Express and Fastify run the GET handler for a HEAD with no route of its own. Rules are
 * matched case-sensitively; HTTP rules that clash once letter case is ignored are refused (a ConfigError),
 * see `checkCaseBlindShadowing`.
 */
export function createAuthenticator(options: CogauthOptions): Authenticator {
  const setup = readOptions(options);
  checkCaseBlindShadowing(httpRules(setup.rules));
  const runner = new Runner(setup);
  // An ALB verifier takes its token from x-amzn-oidc-data, and never from Authorization.
  const fromOidcData = setup.tokenSource === 'x-amzn-oidc-data';

  return async function authenticate(request: AuthRequest, event: EventKind = 'HTTP'): Promise<AuthResult> {
    const start = performance.now();
    let run: RunInput | undefined;
    try {
      run = runOf(request, event, fromOidcData);
    } catch (err) {
      const internal: Unauthorized = { ...INTERNAL_ERROR, error: errorName(err) };
      return runner.refuse(start, event, undefined, internal, AS_AUTH_RESULT);
    }
    if (!run) return runner.refuse(start, event, undefined, EVENT_UNSUPPORTED, AS_AUTH_RESULT);
    return runner.run(start, run, AS_AUTH_RESULT);
  };
}

/** What the runner needs of a request; undefined when method or path is missing. */
function runOf(request: AuthRequest, event: EventKind, fromOidcData: boolean): RunInput | undefined {
  const { method, path } = request;
  if (typeof method !== 'string' || typeof path !== 'string') return undefined;
  const decided: DecisionRequest = { kind: 'http', method, path };
  return {
    kind: event,
    route: loggedRoute(method, path),
    bearer: fromOidcData ? oidcDataToken(request.oidcData) : parseBearer(request.authorization),
    request: decided,
    canonical: isCanonicalPath(path),
    // Express and Fastify answer a HEAD with the GET handler when no HEAD route exists.
    ...(method === 'HEAD' ? { also: { kind: 'http', method: 'GET', path } } : {}),
  };
}

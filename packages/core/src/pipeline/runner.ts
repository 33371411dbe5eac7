import type { AccessModel } from '../decide/access-model.js';
import type { BearerResult } from '../decide/bearer.js';
import type { AuthorizerContext } from '../decide/context.js';
import {
  type DecisionReason,
  type DecisionRequest,
  decideWith,
  errorName,
  type Unauthorized,
  type Verdict,
  type VerifyOutcome,
} from '../decide/decide.js';
import { CogauthError, VerifyError } from '../errors.js';
import type { DecisionSpan } from '../observability/tracing.js';
import type { CognitoClaims } from '../types.js';
import {
  DECISION_LOG_MSG,
  type DecisionLog,
  type EventKind,
  elapsedMs,
  emitDecisionLog,
} from './decision-log.js';
import type { Setup } from './options.js';

/** One request for the runner: what to verify and decide, and what to log. */
export interface RunInput {
  readonly kind: EventKind;
  /** `METHOD /path` (or the route key, `GRAPHQL <operation>`) for the log line. */
  readonly route: string | undefined;
  readonly bearer: BearerResult;
  readonly request: DecisionRequest;
  /** False when a router could read the path differently from the rules: 403 PATH_INVALID, before the hook. */
  readonly canonical: boolean;
  /** A request the caller must be allowed as well (GET, for a HEAD a router may serve with the GET handler). */
  readonly also?: DecisionRequest;
}

/** What a door's `answer` throws to refuse (401) for a reason of its own, such as ANSWER_TOO_LARGE. */
export class AnswerRefused extends CogauthError {
  override name = 'AnswerRefused';
  readonly reason: DecisionReason;
  constructor(reason: DecisionReason) {
    super(reason);
    this.reason = reason;
  }
}

/** How one door turns the outcome into its answer (built once per door, not per request). */
export interface Finisher<I extends RunInput, R> {
  /** The answer to a verified caller (200 or 403). */
  answer(input: I, verdict: Verdict<object>): R;
  /** The answer to a refusal (401): may throw, as API Gateway's `Unauthorized` must. */
  refuse(input: I | undefined, refusal: Unauthorized): R;
}

/**
 * The one pipeline behind the authorizer and the authenticator: bearer → verify → decide → cheap refusals →
 * the context hook → the answer → one log line. It fails closed: any error is a 401, and nothing the logger
 * does changes the answer.
 */
export class Runner {
  readonly #verifier: Setup['verifier'];
  readonly #access: AccessModel;
  readonly #hook: ((claims: CognitoClaims) => Promise<AuthorizerContext>) | undefined;
  readonly #log: (entry: DecisionLog) => void;
  readonly #metrics: Setup['metrics'];
  readonly #tracing: Setup['tracing'];

  constructor(setup: Setup) {
    this.#verifier = setup.verifier;
    this.#access = setup.access;
    this.#hook = setup.context;
    this.#log = setup.log;
    this.#metrics = setup.metrics;
    this.#tracing = setup.tracing;
  }

  async run<I extends RunInput, R>(start: number, input: I, finish: Finisher<I, R>): Promise<R> {
    const span = this.#startSpan();
    let verdict: Unauthorized | Verdict<object>;
    let result: R | undefined;
    try {
      verdict = decideWith(this.#access, input.request, await this.#verify(input.bearer, span));
      if (verdict.status !== 401) {
        verdict = this.#cheapRefusals(input, verdict);
        // No hook for a path the router could read differently: it may call a database.
        if (this.#hook && verdict.reason !== 'PATH_INVALID') verdict = await this.#withContext(verdict);
      }
      if (verdict.status !== 401) result = finish.answer(input, verdict);
    } catch (err) {
      verdict =
        err instanceof AnswerRefused
          ? { status: 401, effect: 'Unauthorized', reason: err.reason }
          : { status: 401, effect: 'Unauthorized', reason: 'INTERNAL_ERROR', error: errorName(err) };
    }
    if (verdict.status === 401)
      return this.refuse(start, input.kind, input.route, verdict, finish, input, span);
    this.#report(input, span, {
      msg: DECISION_LOG_MSG,
      decision: verdict.effect,
      reason: verdict.reason,
      event: input.kind,
      principal: verdict.principal,
      route: input.route,
      permittedRules: this.#access.permittedCount(verdict.grant, input.request),
      latencyMs: elapsedMs(start),
    });
    return result as R;
  }

  /** The decision's span when tracing; a tracer that throws gives none rather than a failed answer. */
  #startSpan(): DecisionSpan | undefined {
    try {
      return this.#tracing?.start();
    } catch {
      return undefined;
    }
  }

  /** One decision to the metrics, its span and the log (sampled); none of them can change the answer. */
  #report(input: RunInput | undefined, span: DecisionSpan | undefined, entry: DecisionLog): void {
    try {
      this.#metrics?.decision(entry, input?.request);
      this.#tracing?.end(entry, span);
    } catch {
      // Metrics and spans are reports: a failure there must not turn an answer into an error.
    }
    emitDecisionLog(this.#log, entry);
  }

  /** `refuse` as a promise, which rejects with what the door's refusal throws (API Gateway's `Unauthorized`). */
  refused<I extends RunInput, R>(
    start: number,
    kind: EventKind | undefined,
    route: string | undefined,
    refusal: Unauthorized,
    finish: Finisher<I, R>,
  ): Promise<R> {
    try {
      return Promise.resolve(this.refuse(start, kind, route, refusal, finish));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** Logs a refusal (also one made before verification: EVENT_UNSUPPORTED, ARN_INVALID) and answers it. */
  refuse<I extends RunInput, R>(
    start: number,
    kind: EventKind | undefined,
    route: string | undefined,
    refusal: Unauthorized,
    finish: Finisher<I, R>,
    input?: I,
    span?: DecisionSpan,
  ): R {
    const entry: DecisionLog = {
      msg: DECISION_LOG_MSG,
      decision: 'Unauthorized',
      reason: refusal.reason,
      latencyMs: elapsedMs(start),
    };
    if (kind) entry.event = kind;
    if (route) entry.route = route;
    if (refusal.error) entry.error = refusal.error;
    this.#report(input, span, entry);
    return finish.refuse(input, refusal);
  }

  /** The verifier's outcome for the bearer value (in its own span when tracing); never throws. */
  async #verify(bearer: BearerResult, span: DecisionSpan | undefined): Promise<VerifyOutcome> {
    if ('error' in bearer) return { bearer: bearer.error };
    const verifier = this.#verifier;
    try {
      if (span === undefined || this.#tracing === undefined)
        return { claims: await verifier.verify(bearer.token) };
      return { claims: await this.#tracing.verify(span, () => verifier.verify(bearer.token), refusalCode) };
    } catch (error) {
      return { error };
    }
  }

  /** What needs no hook: a path a router could read differently, a HEAD whose GET is not allowed. */
  #cheapRefusals(input: RunInput, verdict: Verdict<object>): Verdict<object> {
    if (!input.canonical) return denied(verdict, 'PATH_INVALID');
    if (verdict.status === 200 && input.also && !this.#access.allows(verdict.grant, input.also))
      return denied(verdict, 'ROUTE_NOT_PERMITTED');
    return verdict;
  }

  /** The context hook's entries over the defaults; a throwing hook is a 401 (CONTEXT_ERROR). */
  async #withContext(verdict: Verdict<object>): Promise<Unauthorized | Verdict<object>> {
    try {
      Object.assign(verdict.context, await (this.#hook as NonNullable<Setup['context']>)(verdict.claims));
    } catch (err) {
      return { status: 401, effect: 'Unauthorized', reason: 'CONTEXT_ERROR', error: errorName(err) };
    }
    return verdict;
  }
}

/** What a verification failure is called on its span: the VerifyError code, else VERIFIER_ERROR. */
function refusalCode(err: unknown): string {
  return err instanceof VerifyError ? err.code : 'VERIFIER_ERROR';
}

function denied(verdict: Verdict<object>, reason: DecisionReason): Verdict<object> {
  return { ...verdict, status: 403, effect: 'Deny', reason };
}

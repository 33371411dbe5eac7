import { ConfigError, type ConfigPath } from '../errors.js';
import type { DecisionLog } from '../pipeline/decision-log.js';
import { loadOtelApi } from './load-otel.js';

/** `off` (default: nothing loaded) or `otel`: spans through `@opentelemetry/api`'s global tracer provider. */
export type TracingMode = 'off' | 'otel';

// The few members of @opentelemetry/api used here, so that its types are not needed to build cogauth.
interface Span {
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number }): unknown;
  end(): void;
}
interface OtelApi {
  readonly trace: {
    getTracer(name: string): { startSpan(name: string, options?: object, context?: unknown): Span };
    setSpan(context: unknown, span: Span): unknown;
  };
  readonly context: { active(): unknown };
}

const SPAN_ERROR = 2; // SpanStatusCode.ERROR
const SPAN_KIND_INTERNAL = 0;
// Failures of the authorizer or what it depends on, not of the caller: the span's status is ERROR. An answer
// too large for API Gateway (ANSWER_TOO_LARGE) is one: the rules, the context or the stage made it so.
const FAULTS = new Set([
  'INTERNAL_ERROR',
  'VERIFIER_ERROR',
  'JWKS_UNAVAILABLE',
  'CONTEXT_ERROR',
  'ANSWER_TOO_LARGE',
]);

export function checkTracingMode(value: unknown, path: string | ConfigPath): TracingMode {
  if (value === undefined) return 'off';
  if (value !== 'off' && value !== 'otel') throw new ConfigError(path, "must be 'off' or 'otel'");
  return value;
}

/** The decision's span, and the verification's inside it. */
export interface DecisionSpan {
  readonly span: Span;
  readonly context: unknown;
}

/**
 * Spans for decisions, from `@opentelemetry/api` (an optional peer dependency), loaded only when tracing is
 * `otel`. Each decision is a span `cogauth.decision` (a child of the active context: the invocation's span
 * under an instrumented Lambda) with `cogauth.decision`, `cogauth.reason` and `cogauth.event`; a verified
 * token's check is a child span `cogauth.verify` with `cogauth.verify.result` (`VALID` or the refusal
 * code). Attributes never hold the token, a claim or a path.
 */
export class Tracing {
  readonly #api: OtelApi;
  readonly #tracer: ReturnType<OtelApi['trace']['getTracer']>;

  constructor(api: OtelApi) {
    this.#api = api;
    this.#tracer = api.trace.getTracer('@cogauth/core');
  }

  start(): DecisionSpan {
    const span = this.#tracer.startSpan('cogauth.decision', { kind: SPAN_KIND_INTERNAL });
    return { span, context: this.#api.trace.setSpan(this.#api.context.active(), span) };
  }

  /** Runs a verification in its own span inside the decision's; a failing tracer never fails it. */
  async verify<T>(
    parent: DecisionSpan,
    verify: () => Promise<T>,
    codeOf: (err: unknown) => string,
  ): Promise<T> {
    let span: Span;
    try {
      span = this.#tracer.startSpan('cogauth.verify', { kind: SPAN_KIND_INTERNAL }, parent.context);
    } catch {
      return verify();
    }
    let result = 'VALID';
    try {
      return await verify();
    } catch (err) {
      result = codeOf(err);
      throw err;
    } finally {
      try {
        span.setAttribute('cogauth.verify.result', result);
        if (FAULTS.has(result)) span.setStatus({ code: SPAN_ERROR });
        span.end();
      } catch {
        // A span that cannot be ended is the tracer's problem, not the caller's.
      }
    }
  }

  /** Ends a decision's span with its outcome (a span is started here for refusals made before one). */
  end(entry: DecisionLog, started: DecisionSpan | undefined): void {
    const span = (started ?? this.start()).span;
    span.setAttribute('cogauth.decision', entry.decision);
    span.setAttribute('cogauth.reason', entry.reason);
    if (entry.event !== undefined) span.setAttribute('cogauth.event', entry.event);
    if (FAULTS.has(entry.reason)) span.setStatus({ code: SPAN_ERROR });
    span.end();
  }
}

/** Tracing for `mode`: undefined when off; a ConfigError at `path` when @opentelemetry/api is missing. */
export function loadTracing(mode: TracingMode, path: string | ConfigPath): Tracing | undefined {
  if (mode === 'off') return undefined;
  let api: OtelApi;
  try {
    api = loadOtelApi() as OtelApi;
  } catch {
    throw new ConfigError(
      path,
      "is 'otel', but @opentelemetry/api cannot be loaded: install it (or a layer with it)",
    );
  }
  return new Tracing(api);
}

/**
 * The metrics, log and tracing variables of the COGAUTH_* contract (issue 22), both directions; the rest of
 * the contract is authorizer/environment.ts, which calls these.
 */
import { type Env, integer, oneOf, text } from '../authorizer/env-vars.js';
import { ConfigError } from '../errors.js';
import { LOG_LEVELS, type LogLevel, SAMPLE_RATE_RULE } from './log-policy.js';
import { DEFAULT_NAMESPACE } from './metric-names.js';
import {
  checkNamespace,
  DEFAULT_FLUSH_SECONDS,
  defaultAuthorizer,
  MAX_FLUSH_SECONDS,
  type MetricsOptions,
} from './metrics-options.js';
import type { Observability } from './observability.js';
import type { TracingMode } from './tracing.js';

// A plain decimal: digits, at most one point (room for any double from 0 to 1 written out). Linear.
const DECIMAL = /^\d{1,9}(?:\.\d{1,350})?$/;

/** COGAUTH_LOG_ALLOWED_SAMPLE_RATE: a decimal from 0 to 1, default 1. */
function sampleRate(env: Env): number {
  const value = text(env, 'COGAUTH_LOG_ALLOWED_SAMPLE_RATE');
  if (value === undefined) return 1;
  const rate = DECIMAL.test(value) ? Number(value) : Number.NaN;
  if (!(rate >= 0 && rate <= 1)) throw new ConfigError('COGAUTH_LOG_ALLOWED_SAMPLE_RATE', SAMPLE_RATE_RULE);
  return rate;
}

/** COGAUTH_METRICS and its neighbours, checked (also while metrics are off), as `metrics` options. */
function metricsOf(env: Env): Required<Omit<MetricsOptions, 'sink'>> | undefined {
  const on = oneOf(env, 'COGAUTH_METRICS', ['off', 'emf']) === 'emf';
  const namespace = text(env, 'COGAUTH_METRICS_NAMESPACE');
  if (namespace !== undefined) checkNamespace(namespace, 'COGAUTH_METRICS_NAMESPACE');
  const routeDimension = oneOf(env, 'COGAUTH_METRICS_ROUTE_DIMENSION', ['false', 'true']) === 'true';
  const flushSeconds = integer(env, 'COGAUTH_METRICS_FLUSH_SECONDS', 0, MAX_FLUSH_SECONDS);
  if (!on) return undefined;
  return {
    namespace: namespace ?? DEFAULT_NAMESPACE,
    authorizer: defaultAuthorizer(env.AWS_LAMBDA_FUNCTION_NAME),
    routeDimension,
    flushSeconds: flushSeconds ?? DEFAULT_FLUSH_SECONDS,
  };
}

/** The observability variables as options (for `readEnvironment`); the bundle uses `observabilityOf`. */
export function readObservabilityVariables(env: Env): {
  metrics: Required<Omit<MetricsOptions, 'sink'>> | undefined;
  logLevel: LogLevel;
  logAllowedSampleRate: number;
  tracing: TracingMode;
} {
  return {
    metrics: metricsOf(env),
    logLevel: oneOf(env, 'COGAUTH_LOG_LEVEL', LOG_LEVELS),
    logAllowedSampleRate: sampleRate(env),
    tracing: oneOf<TracingMode>(env, 'COGAUTH_TRACING', ['off', 'otel']),
  };
}

/** The same, as the checked settings the bundle's setup takes. */
export function observabilityOf(env: Env): Observability {
  const o = readObservabilityVariables(env);
  const m = o.metrics;
  return {
    ...o,
    metrics:
      m === undefined
        ? undefined
        : {
            namespace: m.namespace,
            authorizer: m.authorizer,
            routeDimension: m.routeDimension,
            flushMs: m.flushSeconds * 1000,
            sink: undefined,
          },
  };
}

/** What `writeEnvironment` takes for these variables. */
export interface ObservabilitySettings {
  /** Metrics on (COGAUTH_METRICS=emf), with COGAUTH_METRICS_NAMESPACE (always written), … */
  readonly metrics?: Pick<MetricsOptions, 'namespace' | 'routeDimension' | 'flushSeconds'>;
  readonly logLevel?: LogLevel;
  readonly logAllowedSampleRate?: number;
  readonly tracing?: TracingMode;
}

/**
 * A rate as a plain decimal that reads back as the same number: `String(1e-7)` is `1e-7`, which the
 * reader refuses. Rates are at most 1, so an exponent here is always negative.
 */
function decimal(rate: unknown): string {
  const textOf = String(rate);
  const exponent = typeof rate === 'number' ? /^(\d)(?:\.(\d+))?e-(\d+)$/.exec(textOf) : null;
  if (exponent === null) return textOf;
  const [, first, rest = '', power] = exponent;
  return `0.${'0'.repeat(Number(power) - 1)}${first}${rest}`;
}

/** The variables for `s`: only those that differ from the defaults, and the namespace whenever metrics are on. */
export function writeObservability(s: ObservabilitySettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (s.metrics !== undefined) {
    env.COGAUTH_METRICS = 'emf';
    // Always written: alarms watch this namespace, so the function must not fall back to another.
    env.COGAUTH_METRICS_NAMESPACE = String(s.metrics.namespace ?? DEFAULT_NAMESPACE);
    if (s.metrics.routeDimension === true) env.COGAUTH_METRICS_ROUTE_DIMENSION = 'true';
    if (s.metrics.flushSeconds !== undefined)
      env.COGAUTH_METRICS_FLUSH_SECONDS = String(s.metrics.flushSeconds);
  }
  if (s.logLevel !== undefined) env.COGAUTH_LOG_LEVEL = String(s.logLevel);
  if (s.logAllowedSampleRate !== undefined)
    env.COGAUTH_LOG_ALLOWED_SAMPLE_RATE = decimal(s.logAllowedSampleRate);
  if (s.tracing !== undefined && s.tracing !== 'off') env.COGAUTH_TRACING = String(s.tracing);
  return env;
}

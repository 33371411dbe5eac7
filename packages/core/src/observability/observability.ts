import type { CompiledRule } from '../decide/rules.js';
import type { DecisionLog } from '../pipeline/decision-log.js';
import type { CognitoVerifier } from '../types.js';
import { listenTo } from '../verify/events.js';
import { DecisionMetrics } from './decision-metrics.js';
import { checkLogLevel, checkSampleRate, type LogLevel, sampledLog } from './log-policy.js';
import { type MetricsConfig, readMetricsOptions } from './metrics-options.js';
import { checkTracingMode, loadTracing, type Tracing, type TracingMode } from './tracing.js';

/** The metrics, log and tracing options, checked (by `readOptions`, or by the environment reader). */
export interface Observability {
  readonly metrics: MetricsConfig | undefined;
  readonly logLevel: LogLevel;
  readonly logAllowedSampleRate: number;
  readonly tracing: TracingMode;
}

export const DEFAULT_OBSERVABILITY: Observability = {
  metrics: undefined,
  logLevel: 'all',
  logAllowedSampleRate: 1,
  tracing: 'off',
};

/** `metrics`, `logLevel`, `logAllowedSampleRate` and `tracing` of the options; a ConfigError names the bad one. */
export function readObservability(options: Readonly<Record<string, unknown>>): Observability {
  return {
    metrics: readMetricsOptions(options.metrics),
    logLevel: checkLogLevel(options.logLevel, 'logLevel'),
    logAllowedSampleRate: checkSampleRate(options.logAllowedSampleRate, 'logAllowedSampleRate'),
    tracing: checkTracingMode(options.tracing, 'tracing'),
  };
}

/** What the runner reports to: the logger as sampled, the metrics (listening to the verifier), the spans. */
export interface Watchers {
  readonly log: (entry: DecisionLog) => void;
  readonly metrics: DecisionMetrics | undefined;
  readonly tracing: Tracing | undefined;
}

/** Builds the watchers of `o`; `tracingPath` names the setting in a ConfigError (`COGAUTH_TRACING`). */
export function watchersOf(
  o: Observability,
  verifier: Pick<CognitoVerifier, 'verify'>,
  rules: readonly CompiledRule[],
  log: (entry: DecisionLog) => void,
  tracingPath = 'tracing',
): Watchers {
  let metrics: DecisionMetrics | undefined;
  if (o.metrics !== undefined) {
    metrics = new DecisionMetrics(o.metrics, rules);
    // A verifier of your own (not createCognitoVerifier's) reports no JWKS or cache metrics.
    listenTo(verifier, metrics);
  }
  return {
    log: sampledLog(log, o.logLevel, o.logAllowedSampleRate),
    metrics,
    tracing: loadTracing(o.tracing, tracingPath),
  };
}

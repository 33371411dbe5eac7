import { ConfigError, type ConfigPath } from '../errors.js';
import { isRecord } from '../util/guards.js';
import {
  DEFAULT_AUTHORIZER,
  DEFAULT_NAMESPACE,
  type DimensionName,
  type MetricName,
  type MetricUnit,
} from './metric-names.js';

/**
 * `metrics` of `createAuthorizer` / `createAuthenticator`: decision, JWKS and cache metrics, as CloudWatch
 * Embedded Metric Format documents on stdout, or handed to `sink`. Absent: no metrics, nothing recorded.
 */
export interface MetricsOptions {
  /** The CloudWatch namespace of the EMF documents (default `Cogauth`). Not with `sink`. */
  namespace?: string;
  /** The `Authorizer` dimension of every metric (default: AWS_LAMBDA_FUNCTION_NAME, else `cogauth`). */
  authorizer?: string;
  /**
   * Also count `Decisions` by `[Authorizer, Route, Outcome]`, `Route` being the route of the rule API
   * Gateway selects for the request (`GET /messages/{id}`), never a raw path; `(none)` when no rule's route
   * matches. One more metric per rule and outcome seen: off by default.
   */
  routeDimension?: boolean;
  /**
   * Metrics are counted in memory and written at most once per this many seconds (0–60, default 10), at
   * the next decision after that (0: one document per decision). A decision after a quieter spell is
   * written at once.
   */
  flushSeconds?: number;
  /** Receives each metric instead of EMF on stdout: Powertools Metrics, or a backend of your own. */
  sink?: (datum: MetricDatum) => void;
}

/** One metric of one flush, for a `sink`. */
export interface MetricDatum {
  readonly name: MetricName;
  readonly unit: MetricUnit;
  /** Counts: one value, the sum since the last flush. Latencies: the values (at most 100, sampled). */
  readonly values: readonly number[];
  /** `Authorizer`, and for `Decisions` one of its dimension sets: `Outcome`, `Reason` or `Route, Outcome`. */
  readonly dimensions: Readonly<Partial<Record<DimensionName, string>>>;
  /** Milliseconds since the epoch, in the minute of the decisions counted. */
  readonly timestamp: number;
}

/** The metrics options, checked, with their defaults. */
export interface MetricsConfig {
  readonly namespace: string;
  readonly authorizer: string;
  readonly routeDimension: boolean;
  readonly flushMs: number;
  readonly sink: ((datum: MetricDatum) => void) | undefined;
}

export const DEFAULT_FLUSH_SECONDS = 10;
export const MAX_FLUSH_SECONDS = 60;
const KEYS = new Set(['namespace', 'authorizer', 'routeDimension', 'flushSeconds', 'sink']);

// CloudWatch's namespace grammar (PutMetricData, Namespace): 1–255 of these characters, no leading `:`;
// `AWS/` is reserved for AWS services. One bounded character class: no backtracking.
const NAMESPACE = /^[0-9A-Za-z.\-_/#:]{1,255}$/;
// A dimension value CloudWatch accepts (1–1024 characters), kept to printable ASCII with no blank ends.
const AUTHORIZER = /^[\x21-\x7e]$|^[\x21-\x7e][\x20-\x7e]{0,253}[\x21-\x7e]$/;

/** A namespace CloudWatch accepts, or a ConfigError at `path`. */
export function checkNamespace(value: unknown, path: string | ConfigPath): string {
  if (typeof value !== 'string' || !NAMESPACE.test(value) || value.startsWith(':')) {
    throw new ConfigError(
      path,
      'must be a CloudWatch namespace: 1–255 letters, digits or . - _ / # : (not starting with :)',
    );
  }
  if (value.startsWith('AWS/')) throw new ConfigError(path, 'must not start with AWS/ (reserved by AWS)');
  return value;
}

/** The `Authorizer` dimension a function gets by default: its name (AWS_LAMBDA_FUNCTION_NAME), else `cogauth`. */
export function defaultAuthorizer(functionName: string | undefined): string {
  return functionName !== undefined && AUTHORIZER.test(functionName) ? functionName : DEFAULT_AUTHORIZER;
}

function authorizerOf(value: unknown): string {
  if (value === undefined) return defaultAuthorizer(globalThis.process?.env?.AWS_LAMBDA_FUNCTION_NAME);
  if (typeof value !== 'string' || !AUTHORIZER.test(value))
    throw new ConfigError(
      ['metrics', 'authorizer'],
      'must be 1–255 printable ASCII characters, not starting or ending with a space',
    );
  return value;
}

function flushMsOf(value: unknown): number {
  if (value === undefined) return DEFAULT_FLUSH_SECONDS * 1000;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_FLUSH_SECONDS)
    throw new ConfigError(['metrics', 'flushSeconds'], `must be an integer from 0 to ${MAX_FLUSH_SECONDS}`);
  return value * 1000;
}

/** `metrics`, checked; undefined when absent (no metrics). A ConfigError names the bad member. */
export function readMetricsOptions(value: unknown): MetricsConfig | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError('metrics', 'must be an object (metrics options)');
  for (const key of Object.keys(value))
    if (!KEYS.has(key)) throw new ConfigError(['metrics', key], 'is not a metrics option');
  const sink = value.sink;
  if (sink !== undefined && typeof sink !== 'function')
    throw new ConfigError(['metrics', 'sink'], 'must be a function');
  if (sink !== undefined && value.namespace !== undefined)
    throw new ConfigError(
      ['metrics', 'namespace'],
      'is for EMF on stdout: a sink publishes under its own namespace',
    );
  const routeDimension = value.routeDimension ?? false;
  if (typeof routeDimension !== 'boolean')
    throw new ConfigError(['metrics', 'routeDimension'], 'must be true or false');
  return {
    namespace:
      value.namespace === undefined
        ? DEFAULT_NAMESPACE
        : checkNamespace(value.namespace, ['metrics', 'namespace']),
    authorizer: authorizerOf(value.authorizer),
    routeDimension,
    flushMs: flushMsOf(value.flushSeconds),
    sink: sink as MetricsConfig['sink'],
  };
}

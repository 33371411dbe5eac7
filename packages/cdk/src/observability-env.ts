import { ConfigError } from '@cogauth/core';

// The metrics and log variables of the cogauth environment contract (issue 22). Checked here, with the rules
// the authorizer applies at cold start, until @cogauth/core's COGAUTH_* module writes and checks them; then
// these functions become calls into it.

/** `COGAUTH_LOG_LEVEL`: every decision line (allowed ones sampled), or refusals only. Refusals always log. */
export const LOG_LEVELS = ['all', 'refusals'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_METRICS_NAMESPACE = 'Cogauth';

/** The metrics and log settings, checked; undefined members leave the authorizer's defaults. */
export interface ObservabilitySettings {
  /** Set when metrics are on (`COGAUTH_METRICS=emf`). */
  readonly metrics: { readonly namespace: string; readonly routeDimension: boolean } | undefined;
  readonly logLevel: LogLevel | undefined;
  readonly logAllowedSampleRate: number | undefined;
}

// CloudWatch's namespace grammar (PutMetricData): 1–255 of these characters, no leading ':', and the `AWS/`
// prefix is reserved for AWS services. One character class, bounded: no backtracking.
const NAMESPACE = /^[0-9A-Za-z.\-_/#:]{1,255}$/;

/** A namespace CloudWatch accepts, or a ConfigError naming `field`. */
export function checkNamespace(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAMESPACE.test(value) || value.startsWith(':')) {
    throw new ConfigError(
      field,
      'must be a CloudWatch namespace: 1–255 letters, digits or . - _ / # : (not starting with :)',
    );
  }
  if (value.startsWith('AWS/')) throw new ConfigError(field, 'must not start with AWS/ (reserved by AWS)');
  return value;
}

/** A fraction from 0 to 1, or a ConfigError naming `field`. */
export function checkSampleRate(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(field, 'must be a number from 0 to 1 (the share of allowed decisions logged)');
  }
  return value;
}

export function checkLogLevel(value: unknown, field: string): LogLevel {
  if (typeof value !== 'string' || !(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError(field, `must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}`);
  }
  return value as LogLevel;
}

/**
 * A rate as a plain decimal that reads back as the same number: `String(1e-7)` is `1e-7`, which a reader
 * of decimals may refuse. Rates are at most 1, so an exponent here is always negative.
 */
function decimal(rate: number): string {
  const text = String(rate);
  const exponent = /^(\d)(?:\.(\d+))?e-(\d+)$/.exec(text);
  if (exponent === null) return text;
  const [, first, rest = '', power] = exponent;
  return `0.${'0'.repeat(Number(power) - 1)}${first}${rest}`;
}

/** The COGAUTH_METRICS* and COGAUTH_LOG_* variables of `o`: only what differs from the defaults' absence. */
export function observabilityEnvironment(o: ObservabilitySettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (o.metrics !== undefined) {
    env.COGAUTH_METRICS = 'emf';
    // Always written: the alarms watch this namespace, so the function must not fall back to another.
    env.COGAUTH_METRICS_NAMESPACE = o.metrics.namespace;
    if (o.metrics.routeDimension) env.COGAUTH_METRICS_ROUTE_DIMENSION = 'true';
  }
  if (o.logLevel !== undefined) env.COGAUTH_LOG_LEVEL = o.logLevel;
  if (o.logAllowedSampleRate !== undefined) {
    env.COGAUTH_LOG_ALLOWED_SAMPLE_RATE = decimal(o.logAllowedSampleRate);
  }
  return env;
}

import { ConfigError } from '@cogauth/core';
import type { EnvironmentSettings } from '@cogauth/core/lambda';
import { type CfnValue, isCfnValue } from './cfn-value.js';

/**
 * The metrics and log variables of core's COGAUTH_* contract, as `writeEnvironment` takes them. Their
 * values are checked by core when the plugin reads the environment back (validate.ts names the setting).
 */
export type ObservabilitySettings = Pick<
  EnvironmentSettings,
  'metrics' | 'logLevel' | 'logAllowedSampleRate'
>;

/** Core's default namespace (COGAUTH_METRICS_NAMESPACE), which the alarms must watch when none is given. */
export const DEFAULT_METRICS_NAMESPACE = 'Cogauth';
const NAMESPACE_RULE =
  'must be a CloudWatch namespace: 1–255 letters, digits or . - _ / # : (not starting with :)';
const SAMPLE_RATE_RULE = 'must be a number from 0 to 1 (the share of allowed decisions logged)';

export type AlarmName = 'jwksFailures' | 'errors' | 'throttles' | 'duration' | 'refusals';

/** One alarm, checked, defaults applied. `threshold` is in the alarm's own unit (count or percent). */
export interface AlarmSettings {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** `refusals` only. */
  readonly minimumDecisions: number;
}

/** `custom.cogauth.monitoring`, checked. */
export interface MonitoringSettings {
  readonly namespace: string;
  readonly routeDimension: boolean;
  /** An SNS topic ARN or a CloudFormation reference to one. */
  readonly alarmTopic: string | CfnValue | undefined;
  readonly namePrefix: string | undefined;
  readonly dashboard: boolean;
  readonly alarms: Readonly<Partial<Record<AlarmName, AlarmSettings>>>;
}

type Unit = 'count' | 'percent';
const minutely = { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, minimumDecisions: 0 };

/** The defaults of each alarm (the metrics contract of issue 22), the same as @cogauth/cdk's. */
export const ALARM_DEFAULTS: Readonly<Record<AlarmName, AlarmSettings & { unit: Unit }>> = {
  jwksFailures: { unit: 'count', threshold: 1, ...minutely },
  errors: { unit: 'count', threshold: 1, ...minutely },
  throttles: { unit: 'count', threshold: 1, ...minutely },
  duration: { unit: 'percent', threshold: 80, ...minutely },
  refusals: {
    unit: 'percent',
    threshold: 50,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    minimumDecisions: 20,
  },
};
export const ALARM_NAMES = Object.keys(ALARM_DEFAULTS) as AlarmName[];

const FIELD = 'custom.cogauth.monitoring';
const MONITORING_KEYS = ['namespace', 'routeDimension', 'alarmTopic', 'namePrefix', 'dashboard', 'alarms'];
const ALARM_KEYS = ['threshold', 'periodSeconds', 'evaluationPeriods', 'datapointsToAlarm'];
// Alarm names allow more, dashboard names only these; the suffixes added stay well inside 255 characters.
const NAME_PREFIX = /^[A-Za-z0-9_-]{1,200}$/;
const SNS_TOPIC_ARN = /^arn:aws[a-z-]{0,20}:sns:[a-z0-9-]{1,30}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;
// `${param:x}` and `${env:X}` give strings: numbers may be written as decimal text.
const NUMBER_TEXT = /^\d{1,9}(?:\.\d{1,17})?$/;
const ONE_DAY = 86_400;
const ONE_WEEK = 604_800;

const given = (value: unknown) => value !== undefined && value !== null && value !== '';
const fail = (field: string, message: string): never => {
  throw new ConfigError(field, message);
};

function numberOf(value: unknown, field: string): number | undefined {
  if (!given(value)) return undefined;
  const n = typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return fail(field, 'must be a number');
  return n;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  const n = numberOf(value, field);
  if (n !== undefined && (!Number.isInteger(n) || n < min || n > max))
    fail(field, `must be a whole number from ${min} to ${max}`);
  return n;
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (!given(value)) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return fail(field, 'must be true or false');
}

function threshold(value: unknown, field: string, unit: Unit): number | undefined {
  const n = numberOf(value, field);
  if (n === undefined) return undefined;
  if (unit === 'percent' && !(n > 0 && n <= 100)) fail(field, 'must be a percentage: over 0, at most 100');
  if (unit === 'count' && !(n > 0)) fail(field, 'must be a count over 0');
  return n;
}

/** CloudWatch refuses a window longer than a day for periods under an hour, a week otherwise. */
function checkWindow(a: AlarmSettings, field: string): void {
  const limit = a.periodSeconds < 3600 ? ONE_DAY : ONE_WEEK;
  const window = a.periodSeconds * a.evaluationPeriods;
  if (window > limit)
    fail(
      `${field}.evaluationPeriods`,
      `times the period must be at most ${limit} s (CloudWatch's limit), got ${window} s`,
    );
  if (a.datapointsToAlarm > a.evaluationPeriods)
    fail(`${field}.datapointsToAlarm`, `must be at most evaluationPeriods (${a.evaluationPeriods})`);
}

function periodSeconds(value: unknown, field: string): number | undefined {
  const n = numberOf(value, field);
  if (n !== undefined && (!Number.isInteger(n) || n < 60 || n % 60 !== 0 || n > ONE_DAY))
    fail(field, `must be whole minutes in seconds (60, 120, …) up to ${ONE_DAY}, got ${n}`);
  return n;
}

function alarm(name: AlarmName, value: unknown): AlarmSettings | undefined {
  const field = `${FIELD}.alarms.${name}`;
  if (value === false || value === 'false') return undefined;
  if (given(value) && (typeof value !== 'object' || Array.isArray(value)))
    fail(field, 'must be alarm settings or false');
  const o = (given(value) ? value : {}) as Record<string, unknown>;
  const allowed = name === 'refusals' ? [...ALARM_KEYS, 'minimumDecisions'] : ALARM_KEYS;
  for (const key of Object.keys(o))
    if (!allowed.includes(key)) fail(`${field}.${key}`, 'is not an alarm setting');
  const d = ALARM_DEFAULTS[name];
  const a: AlarmSettings = {
    threshold: threshold(o.threshold, `${field}.threshold`, d.unit) ?? d.threshold,
    periodSeconds: periodSeconds(o.periodSeconds, `${field}.periodSeconds`) ?? d.periodSeconds,
    evaluationPeriods:
      wholeNumber(o.evaluationPeriods, `${field}.evaluationPeriods`, 1, 1440) ?? d.evaluationPeriods,
    datapointsToAlarm:
      wholeNumber(o.datapointsToAlarm, `${field}.datapointsToAlarm`, 1, 1440) ?? d.datapointsToAlarm,
    minimumDecisions:
      wholeNumber(o.minimumDecisions, `${field}.minimumDecisions`, 1, 1e9) ?? d.minimumDecisions,
  };
  checkWindow(a, field);
  return a;
}

function alarms(value: unknown): Partial<Record<AlarmName, AlarmSettings>> {
  if (given(value) && (typeof value !== 'object' || Array.isArray(value)))
    fail(`${FIELD}.alarms`, 'must be a map of alarms');
  const o = (given(value) ? value : {}) as Record<string, unknown>;
  for (const key of Object.keys(o))
    if (!(ALARM_NAMES as string[]).includes(key)) fail(`${FIELD}.alarms.${key}`, 'is not a cogauth alarm');
  const result: Partial<Record<AlarmName, AlarmSettings>> = {};
  for (const name of ALARM_NAMES) {
    const a = alarm(name, o[name]);
    if (a !== undefined) result[name] = a;
  }
  return result;
}

function alarmTopic(value: unknown): string | CfnValue | undefined {
  if (!given(value)) return undefined;
  if (isCfnValue(value)) return value;
  if (typeof value !== 'string' || !SNS_TOPIC_ARN.test(value))
    fail(
      `${FIELD}.alarmTopic`,
      'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>) or a reference such as {Ref: AlarmTopic}',
    );
  return value as string;
}

/** `custom.cogauth.monitoring`: `true` for the defaults, settings, or unset / `false` for none. */
export function readMonitoring(value: unknown): MonitoringSettings | undefined {
  if (!given(value) || value === false || value === 'false') return undefined;
  const o = (value === true || value === 'true' ? {} : value) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o))
    return fail(FIELD, 'must be true, false or a map of monitoring settings');
  for (const key of Object.keys(o))
    if (!MONITORING_KEYS.includes(key)) fail(`${FIELD}.${key}`, 'is not a monitoring setting');
  if (given(o.namePrefix) && (typeof o.namePrefix !== 'string' || !NAME_PREFIX.test(o.namePrefix)))
    fail(`${FIELD}.namePrefix`, 'must be 1–200 letters, digits, - or _');
  return {
    // Its grammar is core's check (COGAUTH_METRICS_NAMESPACE), made when the environment is read back.
    namespace: given(o.namespace)
      ? // Blank ends would be trimmed by core while the alarms watched the text as given.
        typeof o.namespace === 'string' && o.namespace.trim() === o.namespace
        ? o.namespace
        : fail(`${FIELD}.namespace`, NAMESPACE_RULE)
      : DEFAULT_METRICS_NAMESPACE,
    routeDimension: flag(o.routeDimension, `${FIELD}.routeDimension`, false),
    alarmTopic: alarmTopic(o.alarmTopic),
    namePrefix: given(o.namePrefix) ? (o.namePrefix as string) : undefined,
    dashboard: flag(o.dashboard, `${FIELD}.dashboard`, true),
    alarms: alarms(o.alarms),
  };
}

/** The metrics variables `monitoring` turns on, and `logLevel` / `logAllowedSampleRate` (no monitoring needed). */
export function readObservability(
  c: Record<string, unknown>,
  monitoring: MonitoringSettings | undefined,
): ObservabilitySettings {
  const given_ = c.logAllowedSampleRate;
  // `${param:x}` gives text: a decimal is read as a number here, the range is core's check.
  const rate = typeof given_ === 'string' && NUMBER_TEXT.test(given_) ? Number(given_) : given_;
  if (given(rate) && typeof rate !== 'number') fail('custom.cogauth.logAllowedSampleRate', SAMPLE_RATE_RULE);
  return {
    ...(monitoring && {
      metrics: { namespace: monitoring.namespace, routeDimension: monitoring.routeDimension },
    }),
    ...(given(c.logLevel) && { logLevel: c.logLevel as ObservabilitySettings['logLevel'] }),
    ...(given(rate) && { logAllowedSampleRate: rate as number }),
  };
}

import { ConfigError } from '@cogauth/core';
import type { EnvironmentSettings } from '@cogauth/core/lambda';
import { Duration, Token } from 'aws-cdk-lib';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { CogauthAlarmName, CogauthMonitoringProps } from './monitoring-props.js';

/**
 * The metrics and log variables of core's COGAUTH_* contract, as `writeEnvironment` takes them. Their
 * values are checked by core when the construct reads the environment back (core-check.ts names the prop).
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

/** One alarm, checked, defaults applied. `threshold` is in the alarm's own unit (count or percent). */
export interface AlarmSettings {
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** `refusals` only. */
  readonly minimumDecisions: number;
}

export interface MonitoringSettings {
  readonly namespace: string;
  readonly routeDimension: boolean;
  readonly alarmTopic: sns.ITopic | undefined;
  readonly namePrefix: string | undefined;
  readonly dashboard: boolean;
  readonly alarms: Readonly<Partial<Record<CogauthAlarmName, AlarmSettings>>>;
}

type Unit = 'count' | 'percent';

/** The defaults of each alarm (the metrics contract of issue 22) and what its threshold counts. */
export const ALARM_DEFAULTS: Readonly<Record<CogauthAlarmName, AlarmSettings & { unit: Unit }>> = {
  jwksFailures: { unit: 'count', threshold: 1, ...minutely() },
  errors: { unit: 'count', threshold: 1, ...minutely() },
  throttles: { unit: 'count', threshold: 1, ...minutely() },
  duration: { unit: 'percent', threshold: 80, ...minutely() },
  refusals: {
    unit: 'percent',
    threshold: 50,
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    minimumDecisions: 20,
  },
};

function minutely() {
  return { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3, minimumDecisions: 0 };
}

// Alarm names allow more, dashboard names only these; the suffixes added stay well inside 255 characters.
const NAME_PREFIX = /^[A-Za-z0-9_-]{1,200}$/;
const ONE_DAY = 86_400;
const ONE_WEEK = 604_800;

function known(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, 'must be a number');
  if (Token.isUnresolved(value)) throw new ConfigError(field, 'must be known at synth time');
  return value;
}

function wholeNumber(value: unknown, field: string, min: number, max: number): number | undefined {
  const n = known(value, field);
  if (n !== undefined && (!Number.isInteger(n) || n < min || n > max)) {
    throw new ConfigError(field, `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function periodSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof Duration)) throw new ConfigError(field, 'must be a Duration');
  let seconds: number;
  try {
    seconds = value.toSeconds();
  } catch {
    throw new ConfigError(field, 'must be whole minutes known at synth time');
  }
  if (!Number.isInteger(seconds) || seconds < 60 || seconds % 60 !== 0 || seconds > ONE_DAY) {
    throw new ConfigError(field, `must be whole minutes from 1 minute to 1 day, got ${seconds} s`);
  }
  return seconds;
}

function threshold(value: unknown, field: string, unit: Unit): number | undefined {
  const n = known(value, field);
  if (n === undefined) return undefined;
  if (unit === 'percent' && !(n > 0 && n <= 100))
    throw new ConfigError(field, 'must be a percentage: over 0, at most 100');
  if (unit === 'count' && !(n > 0)) throw new ConfigError(field, 'must be a count over 0');
  return n;
}

/** CloudWatch refuses a window longer than a day for periods under an hour, a week otherwise. */
function checkWindow(a: AlarmSettings, field: string): void {
  const limit = a.periodSeconds < 3600 ? ONE_DAY : ONE_WEEK;
  if (a.periodSeconds * a.evaluationPeriods > limit) {
    throw new ConfigError(
      `${field}.evaluationPeriods`,
      `times the period must be at most ${limit} s (CloudWatch's limit), got ${a.periodSeconds * a.evaluationPeriods} s`,
    );
  }
  if (a.datapointsToAlarm > a.evaluationPeriods) {
    throw new ConfigError(
      `${field}.datapointsToAlarm`,
      `must be at most evaluationPeriods (${a.evaluationPeriods})`,
    );
  }
}

function alarm(name: CogauthAlarmName, value: unknown): AlarmSettings | undefined {
  const field = `monitoring.alarms.${name}`;
  if (value === false) return undefined;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new ConfigError(field, 'must be alarm options or false');
  }
  const o = (value ?? {}) as Record<string, unknown>;
  const allowed = ['threshold', 'period', 'evaluationPeriods', 'datapointsToAlarm'];
  if (name === 'refusals') allowed.push('minimumDecisions');
  for (const key of Object.keys(o))
    if (!allowed.includes(key)) throw new ConfigError(`${field}.${key}`, 'is not an alarm option');
  const d = ALARM_DEFAULTS[name];
  const a: AlarmSettings = {
    threshold: threshold(o.threshold, `${field}.threshold`, d.unit) ?? d.threshold,
    periodSeconds: periodSeconds(o.period, `${field}.period`) ?? d.periodSeconds,
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

const ALARM_NAMES = Object.keys(ALARM_DEFAULTS) as CogauthAlarmName[];
const MONITORING_KEYS = ['namespace', 'routeDimension', 'alarmTopic', 'namePrefix', 'dashboard', 'alarms'];

function alarmTopic(value: unknown): sns.ITopic | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || typeof (value as sns.ITopic).topicArn !== 'string') {
    throw new ConfigError('monitoring.alarmTopic', 'must be an SNS topic (sns.ITopic)');
  }
  return value as sns.ITopic;
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(field, 'must be true or false');
  return value;
}

function namespaceText(value: unknown): string {
  // Blank ends would be trimmed by core (blank is unset) while the alarms watched the text as given.
  if (typeof value !== 'string' || value.trim() !== value || value === '')
    throw new ConfigError('monitoring.namespace', NAMESPACE_RULE);
  return value;
}

/** The `monitoring` prop, checked; undefined when it is not given. A ConfigError names the bad member. */
export function monitoringOf(value: CogauthMonitoringProps | undefined): MonitoringSettings | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new ConfigError('monitoring', 'must be an object');
  for (const key of Object.keys(value)) {
    if (!MONITORING_KEYS.includes(key))
      throw new ConfigError(`monitoring.${key}`, 'is not a monitoring option');
  }
  const namePrefix = value.namePrefix;
  if (namePrefix !== undefined && (typeof namePrefix !== 'string' || !NAME_PREFIX.test(namePrefix))) {
    throw new ConfigError('monitoring.namePrefix', 'must be 1–200 letters, digits, - or _');
  }
  const given = (value.alarms ?? {}) as Record<string, unknown>;
  if (typeof given !== 'object' || given === null)
    throw new ConfigError('monitoring.alarms', 'must be an object');
  for (const key of Object.keys(given)) {
    if (!(ALARM_NAMES as string[]).includes(key))
      throw new ConfigError(`monitoring.alarms.${key}`, 'is not a cogauth alarm');
  }
  const alarms: Partial<Record<CogauthAlarmName, AlarmSettings>> = {};
  for (const name of ALARM_NAMES) {
    const a = alarm(name, given[name]);
    if (a !== undefined) alarms[name] = a;
  }
  return {
    // Its grammar is core's check (COGAUTH_METRICS_NAMESPACE), made when the environment is read back.
    namespace: value.namespace === undefined ? DEFAULT_METRICS_NAMESPACE : namespaceText(value.namespace),
    routeDimension: flag(value.routeDimension, 'monitoring.routeDimension', false),
    alarmTopic: alarmTopic(value.alarmTopic),
    namePrefix,
    dashboard: flag(value.dashboard, 'monitoring.dashboard', true),
    alarms,
  };
}

/** The metrics variables `monitoring` turns on, and the log props (which need no monitoring). */
export function observabilityOf(
  props: { readonly logLevel?: unknown; readonly logAllowedSampleRate?: unknown },
  monitoring: MonitoringSettings | undefined,
): ObservabilitySettings {
  const rate = props.logAllowedSampleRate;
  // The type is checked here, the range by core (COGAUTH_LOG_ALLOWED_SAMPLE_RATE), as the level is.
  if (rate !== undefined && typeof rate !== 'number')
    throw new ConfigError('logAllowedSampleRate', SAMPLE_RATE_RULE);
  return {
    ...(monitoring && {
      metrics: { namespace: monitoring.namespace, routeDimension: monitoring.routeDimension },
    }),
    ...(props.logLevel !== undefined && { logLevel: props.logLevel as ObservabilitySettings['logLevel'] }),
    ...(rate !== undefined && { logAllowedSampleRate: rate }),
  };
}

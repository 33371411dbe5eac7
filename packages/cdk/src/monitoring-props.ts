import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';

/** When an alarm fires: `threshold` reached in `datapointsToAlarm` of the last `evaluationPeriods` periods. */
export interface CogauthAlarmOptions {
  /**
   * What the alarm compares with (greater than or equal): a count for `jwksFailures`, `errors` and
   * `throttles`, a percentage of the function timeout for `duration`, a percentage of decisions for `refusals`.
   */
  readonly threshold?: number;
  /** A whole number of minutes. */
  readonly period?: Duration;
  readonly evaluationPeriods?: number;
  readonly datapointsToAlarm?: number;
}

export interface CogauthRefusalAlarmOptions extends CogauthAlarmOptions {
  /** Periods with fewer decisions than this never alarm (a quiet hour with 3 bad tokens is not unusual). */
  readonly minimumDecisions?: number;
}

/** The alarms `monitoring` creates; `false` leaves one out. Defaults: see the README's "Monitoring". */
export interface CogauthAlarmsProps {
  /** `JwksFetchFailures` ≥ 1 in 3 of 5 minutes: the pool's keys could not be fetched. */
  readonly jwksFailures?: CogauthAlarmOptions | false;
  /** Lambda `Errors` beyond the `Error('Unauthorized')` of 401 answers ≥ 1 in 3 of 5 minutes. */
  readonly errors?: CogauthAlarmOptions | false;
  /** Lambda `Throttles` ≥ 1 in 3 of 5 minutes. */
  readonly throttles?: CogauthAlarmOptions | false;
  /** Lambda `Duration` p99 ≥ 80 % of the function timeout in 3 of 5 minutes. */
  readonly duration?: CogauthAlarmOptions | false;
  /** 401 answers ≥ 50 % of at least 20 decisions in 2 of 3 five-minute periods. */
  readonly refusals?: CogauthRefusalAlarmOptions | false;
}

export type CogauthAlarmName = keyof CogauthAlarmsProps;

export interface CogauthMonitoringProps {
  /** CloudWatch namespace of the authorizer's metrics (`COGAUTH_METRICS_NAMESPACE`). @default 'Cogauth' */
  readonly namespace?: string;
  /** Adds a `Route` dimension (rule routes only, never raw paths): more custom metrics. @default false */
  readonly routeDimension?: boolean;
  /** Alarm and OK notifications go to this topic. @default no actions */
  readonly alarmTopic?: sns.ITopic;
  /** Alarm names `<prefix>-jwks-failures` …, dashboard `<prefix>-authorizer`. @default CloudFormation names them */
  readonly namePrefix?: string;
  /** A CloudWatch dashboard of the authorizer's metrics (billed per dashboard-month). @default true */
  readonly dashboard?: boolean;
  readonly alarms?: CogauthAlarmsProps;
}

/** What `monitoring` created, for adding actions or widgets of your own. */
export interface CogauthMonitoring {
  readonly namespace: string;
  readonly alarms: Readonly<Partial<Record<CogauthAlarmName, cloudwatch.Alarm>>>;
  readonly dashboard: cloudwatch.Dashboard | undefined;
}

import type { CfnValue } from './cfn-value.js';
import type { AlarmName, AlarmSettings, MonitoringSettings } from './monitoring-settings.js';

type Obj = Record<string, unknown>;

/** Where the alarms point: the authorizer function (its Ref is its name) and its timeout. */
export interface MonitoredFunction {
  /** `{Ref: <function logical id>}`: what the function reads as AWS_LAMBDA_FUNCTION_NAME. */
  readonly name: CfnValue;
  readonly timeoutMs: number;
}

/** The outcomes of the `Decisions` metric's `Outcome` dimension (the metrics contract of issue 22). */
export const OUTCOMES = ['Allow', 'Deny', 'Unauthorized'] as const;

function metricStat(
  id: string,
  metric: { namespace: string; name: string; dimensions: [string, unknown][] },
  stat: string,
  period: number,
): Obj {
  const dims = metric.dimensions.map(([Name, Value]) => ({ Name, Value }));
  return {
    Id: id,
    MetricStat: {
      Metric: { Namespace: metric.namespace, MetricName: metric.name, Dimensions: dims },
      Period: period,
      Stat: stat,
    },
    ReturnData: false,
  };
}

const decisions = (ns: string, fn: MonitoredFunction, outcome: string) => ({
  namespace: ns,
  name: 'Decisions',
  dimensions: [
    ['Authorizer', fn.name],
    ['Outcome', outcome],
  ] as [string, unknown][],
});

/**
 * Lambda counts every `Error('Unauthorized')` (how an authorizer answers 401) as a function error, so an
 * alarm on `Errors` alone fires on ordinary bad tokens. The difference is what failed otherwise.
 */
export function errorsBeyond401(ns: string, fn: MonitoredFunction, period: number): Obj[] {
  return [
    {
      Id: 'errorsBeyond401',
      Expression: 'errors - FILL(unauthorized, 0)',
      Label: 'Errors other than 401 answers',
      ReturnData: true,
    },
    metricStat(
      'errors',
      { namespace: 'AWS/Lambda', name: 'Errors', dimensions: [['FunctionName', fn.name]] },
      'Sum',
      period,
    ),
    metricStat('unauthorized', decisions(ns, fn, 'Unauthorized'), 'Sum', period),
  ];
}

/** Percent of decisions answered 401, 0 while fewer than `minimum` decisions were made in the period. */
export function refusalShare(ns: string, fn: MonitoredFunction, period: number, minimum: number): Obj[] {
  return [
    {
      Id: 'refusalShare',
      Expression: `IF(total >= ${minimum}, 100 * FILL(unauthorized, 0) / total, 0)`,
      Label: '401 answers (% of decisions)',
      ReturnData: true,
    },
    {
      Id: 'total',
      Expression: 'FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      Label: 'Decisions',
      ReturnData: false,
    },
    ...OUTCOMES.map((o) => metricStat(o.toLowerCase(), decisions(ns, fn, o), 'Sum', period)),
  ];
}

/** The metric part of each alarm's properties: one metric, or metric math. */
function metricOf(name: AlarmName, a: AlarmSettings, ns: string, fn: MonitoredFunction): Obj {
  const single = (namespace: string, metricName: string, dimension: string, stat: Obj): Obj => ({
    Namespace: namespace,
    MetricName: metricName,
    Dimensions: [{ Name: dimension, Value: fn.name }],
    ...stat,
    Period: a.periodSeconds,
  });
  switch (name) {
    case 'jwksFailures':
      return single(ns, 'JwksFetchFailures', 'Authorizer', { Statistic: 'Sum' });
    case 'errors':
      return { Metrics: errorsBeyond401(ns, fn, a.periodSeconds) };
    case 'throttles':
      return single('AWS/Lambda', 'Throttles', 'FunctionName', { Statistic: 'Sum' });
    case 'duration':
      return single('AWS/Lambda', 'Duration', 'FunctionName', { ExtendedStatistic: 'p99' });
    case 'refusals':
      return { Metrics: refusalShare(ns, fn, a.periodSeconds, a.minimumDecisions) };
  }
}

/** What each alarm means and where to look first (the same words as @cogauth/cdk's). */
function description(name: AlarmName, a: AlarmSettings, timeoutMs: number): string {
  switch (name) {
    case 'jwksFailures':
      return (
        "cogauth: the authorizer could not fetch the user pool's JWKS. Tokens signed by a key it does not hold " +
        'get 401. Check the network path from the function to cognito-idp and the pool id.'
      );
    case 'errors':
      return (
        'cogauth: the authorizer function failed other than by answering 401 (Lambda Errors minus Unauthorized ' +
        'decisions): a timeout, out of memory, or a configuration refused at cold start. API Gateway answers 500.'
      );
    case 'throttles':
      return (
        'cogauth: Lambda throttled the authorizer and API Gateway answered those requests 500. Raise the ' +
        "function's reserved concurrency or the account's concurrency limit."
      );
    case 'duration':
      return (
        `cogauth: the authorizer's p99 duration reached ${a.threshold} % of its ${timeoutMs} ms timeout; a ` +
        'timeout is answered 500. Check JWKS fetch latency on the dashboard and the memory size.'
      );
    case 'refusals':
      return (
        `cogauth: ${a.threshold} % or more of at least ${a.minimumDecisions} decisions were 401: expired or ` +
        'forged tokens, a misconfigured client, or a pool or client id that no longer matches.'
      );
  }
}

export const ALARM_SUFFIX: Readonly<Record<AlarmName, string>> = {
  jwksFailures: 'jwks-failures',
  errors: 'errors',
  throttles: 'throttles',
  duration: 'duration',
  refusals: 'refusals',
};

/** One `AWS::CloudWatch::Alarm`, its actions only on the user's topic, its name only with a prefix. */
export function alarmResource(
  name: AlarmName,
  a: AlarmSettings,
  m: MonitoringSettings,
  fn: MonitoredFunction,
): Obj {
  const actions =
    m.alarmTopic === undefined ? {} : { AlarmActions: [m.alarmTopic], OKActions: [m.alarmTopic] };
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      ...(m.namePrefix === undefined ? {} : { AlarmName: `${m.namePrefix}-${ALARM_SUFFIX[name]}` }),
      AlarmDescription: description(name, a, fn.timeoutMs),
      ...metricOf(name, a, m.namespace, fn),
      Threshold: name === 'duration' ? (fn.timeoutMs * a.threshold) / 100 : a.threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: a.evaluationPeriods,
      DatapointsToAlarm: a.datapointsToAlarm,
      // No traffic is not a problem: a quiet API must not page anyone.
      TreatMissingData: 'notBreaching',
      ...actions,
    },
  };
}

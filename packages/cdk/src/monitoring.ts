import { type IResolvable, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { AuthorizerMetrics } from './authorizer-metrics.js';
import { addDashboard } from './dashboard.js';
import type { CogauthAlarmName, CogauthMonitoring } from './monitoring-props.js';
import type { AlarmSettings, MonitoringSettings } from './monitoring-settings.js';

/** Lambda's timeout when a function sets none. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

interface AlarmSpec {
  readonly id: string;
  readonly suffix: string;
  readonly metric: (m: AuthorizerMetrics, a: AlarmSettings) => cloudwatch.IMetric;
  /** The CloudWatch threshold: the setting, or what its percentage stands for. */
  readonly threshold: (a: AlarmSettings, timeoutMs: number) => number;
  readonly description: (a: AlarmSettings, timeoutMs: number) => string;
}

const SPECS: Readonly<Record<CogauthAlarmName, AlarmSpec>> = {
  jwksFailures: {
    id: 'JwksFailuresAlarm',
    suffix: 'jwks-failures',
    metric: (m, a) => m.cogauth('JwksFetchFailures', 'Sum', a.periodSeconds),
    threshold: (a) => a.threshold,
    description: () =>
      "cogauth: the authorizer could not fetch the user pool's JWKS. Tokens signed by a key it does not hold " +
      'get 401. Check the network path from the function to cognito-idp and the pool id.',
  },
  errors: {
    id: 'ErrorsAlarm',
    suffix: 'errors',
    metric: (m, a) => m.errorsBeyond401(a.periodSeconds),
    threshold: (a) => a.threshold,
    description: () =>
      'cogauth: the authorizer function failed other than by answering 401 (Lambda Errors minus Unauthorized ' +
      'decisions): a timeout, out of memory, or a configuration refused at cold start. API Gateway answers 500.',
  },
  throttles: {
    id: 'ThrottlesAlarm',
    suffix: 'throttles',
    metric: (m, a) => m.lambda('Throttles', 'Sum', a.periodSeconds),
    threshold: (a) => a.threshold,
    description: () =>
      'cogauth: Lambda throttled the authorizer and API Gateway answered those requests 500. Raise the ' +
      "function's reserved concurrency or the account's concurrency limit.",
  },
  duration: {
    id: 'DurationAlarm',
    suffix: 'duration',
    metric: (m, a) => m.lambda('Duration', 'p99', a.periodSeconds),
    threshold: (a, timeoutMs) => (timeoutMs * a.threshold) / 100,
    description: (a, timeoutMs) =>
      `cogauth: the authorizer's p99 duration reached ${a.threshold} % of its ${timeoutMs} ms timeout; a ` +
      'timeout is answered 500. Check JWKS fetch latency on the dashboard and the memory size.',
  },
  refusals: {
    id: 'RefusalsAlarm',
    suffix: 'refusals',
    metric: (m, a) => m.refusalShare(a.periodSeconds, a.minimumDecisions),
    threshold: (a) => a.threshold,
    description: (a) =>
      `cogauth: ${a.threshold} % or more of at least ${a.minimumDecisions} decisions were 401: expired or ` +
      'forged tokens, a misconfigured client, or a pool or client id that no longer matches.',
  },
};

export const ALARM_ORDER = Object.keys(SPECS) as CogauthAlarmName[];

function timeoutMsOf(fn: lambda.Function): number {
  const seconds = (fn.node.defaultChild as lambda.CfnFunction).timeout;
  return (typeof seconds === 'number' ? seconds : LAMBDA_DEFAULT_TIMEOUT_SECONDS) * 1000;
}

function addAlarm(
  scope: Construct,
  name: CogauthAlarmName,
  a: AlarmSettings,
  metrics: AuthorizerMetrics,
  timeoutMs: number,
  s: MonitoringSettings,
): cloudwatch.Alarm {
  const spec = SPECS[name];
  const alarm = new cloudwatch.Alarm(scope, spec.id, {
    metric: spec.metric(metrics, a),
    threshold: spec.threshold(a, timeoutMs),
    evaluationPeriods: a.evaluationPeriods,
    datapointsToAlarm: a.datapointsToAlarm,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No traffic is not a problem: a quiet API must not page anyone.
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: spec.description(a, timeoutMs),
    ...(s.namePrefix === undefined ? {} : { alarmName: `${s.namePrefix}-${spec.suffix}` }),
  });
  if (s.alarmTopic !== undefined) {
    const action = new actions.SnsAction(s.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
  return alarm;
}

/**
 * The alarms watch the namespace the function emits to: a `COGAUTH_METRICS*` variable changed through
 * `auth.function.addEnvironment` would leave them watching nothing, so the synth fails instead.
 */
function checkMetricsEnvironment(fn: lambda.Function, namespace: string): string[] {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const resolved = Stack.of(fn).resolve(cfn.environment as IResolvable | undefined) as
    | { variables?: Record<string, unknown> }
    | undefined;
  const vars = resolved?.variables ?? {};
  if (vars.COGAUTH_METRICS === 'emf' && vars.COGAUTH_METRICS_NAMESPACE === namespace) return [];
  return [
    `monitoring: the alarms watch namespace ${namespace}, but the function's COGAUTH_METRICS is ` +
      `${JSON.stringify(vars.COGAUTH_METRICS)} and COGAUTH_METRICS_NAMESPACE ${JSON.stringify(vars.COGAUTH_METRICS_NAMESPACE)}: ` +
      'set monitoring.namespace instead of the variables',
  ];
}

/** Adds `Monitoring` under `parent`: the alarms of `s` on `fn`, and its dashboard unless turned off. */
export function addMonitoring(
  parent: Construct,
  fn: lambda.Function,
  s: MonitoringSettings,
): CogauthMonitoring {
  const scope = new Construct(parent, 'Monitoring');
  const metrics = new AuthorizerMetrics(fn, s.namespace);
  const timeoutMs = timeoutMsOf(fn);
  const alarms: Partial<Record<CogauthAlarmName, cloudwatch.Alarm>> = {};
  for (const name of ALARM_ORDER) {
    const a = s.alarms[name];
    if (a !== undefined) alarms[name] = addAlarm(scope, name, a, metrics, timeoutMs, s);
  }
  const dashboard = s.dashboard ? addDashboard(scope, metrics, s, alarms, timeoutMs) : undefined;
  scope.node.addValidation({ validate: () => checkMetricsEnvironment(fn, s.namespace) });
  return { namespace: s.namespace, alarms, dashboard };
}

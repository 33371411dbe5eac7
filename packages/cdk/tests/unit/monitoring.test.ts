import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { CogauthAuthorizer, type CogauthMonitoringProps } from '../../src/index.js';
import {
  authorizerEnv,
  authorizerStack,
  type CfnTemplate,
  only,
  RULES,
  resourcesOfType,
  templateOf,
} from './support.js';

type Props = Record<string, unknown>;
type Query = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
    Period: number;
    Stat: string;
  };
};

function monitored(monitoring: CogauthMonitoringProps = {}, extra: Props = {}) {
  const built = authorizerStack({ monitoring, ...extra });
  const t = templateOf(built.stack);
  const [fnId] = only(t, 'AWS::Lambda::Function');
  return { ...built, t, fnId };
}

/** The alarms by the end of their construct path (`JwksFailuresAlarm` …). */
function alarms(t: CfnTemplate): Record<string, Props> {
  return Object.fromEntries(
    resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([id, r]) => [
      /Monitoring([A-Za-z]+Alarm)/.exec(id)?.[1] ?? id,
      r.Properties ?? {},
    ]),
  );
}

/** A metric query as `namespace metric dimension=value… stat period`, the function's Ref shown as `fn`. */
function describeStat(q: Query, fnId: string): string {
  const s = q.MetricStat;
  if (s === undefined) return `${q.Id} = ${q.Expression}`;
  const dims = s.Metric.Dimensions.map(
    (d) => `${d.Name}=${JSON.stringify(d.Value) === JSON.stringify({ Ref: fnId }) ? 'fn' : String(d.Value)}`,
  );
  return `${q.Id}: ${s.Metric.Namespace} ${s.Metric.MetricName} ${dims.join(' ')} ${s.Stat} ${s.Period}`;
}

const WHEN = {
  ComparisonOperator: 'GreaterThanOrEqualToThreshold',
  TreatMissingData: 'notBreaching',
};

describe('without monitoring', () => {
  it('creates no alarm, no dashboard and sets no metrics variable', () => {
    const { stack } = authorizerStack();
    const t = templateOf(stack);
    expect(resourcesOfType(t, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(resourcesOfType(t, 'AWS::CloudWatch::Dashboard')).toEqual([]);
    expect(Object.keys(authorizerEnv(t)).filter((k) => /METRICS|_LOG_/.test(k))).toEqual([]);
  });
});

describe('monitoring: {}', () => {
  const { t, fnId, auth } = monitored();
  const byName = alarms(t);

  it('turns EMF metrics on in the function, in the namespace the alarms watch', () => {
    expect(authorizerEnv(t)).toMatchObject({
      COGAUTH_METRICS: 'emf',
      COGAUTH_METRICS_NAMESPACE: 'Cogauth',
    });
    expect(authorizerEnv(t).COGAUTH_METRICS_ROUTE_DIMENSION).toBeUndefined();
    expect(auth.monitoring?.namespace).toBe('Cogauth');
    expect(Object.keys(auth.monitoring?.alarms ?? {})).toEqual([
      'jwksFailures',
      'errors',
      'throttles',
      'duration',
      'refusals',
    ]);
  });

  it('alarms on JWKS fetch failures: Sum ≥ 1 in 3 of 5 minutes, for this function only', () => {
    expect(byName.JwksFailuresAlarm).toMatchObject({
      ...WHEN,
      Namespace: 'Cogauth',
      MetricName: 'JwksFetchFailures',
      // Authorizer is the function's Ref, its name: what the function reads as AWS_LAMBDA_FUNCTION_NAME.
      Dimensions: [{ Name: 'Authorizer', Value: { Ref: fnId } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('alarms on function errors other than 401 answers (Lambda counts each Error("Unauthorized"))', () => {
    const errors = byName.ErrorsAlarm as Props;
    expect(errors).toMatchObject({ ...WHEN, Threshold: 1, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    // A plain `Errors ≥ 1` alarm would fire on every expired token: the 401 answers are subtracted.
    expect(errors.MetricName).toBeUndefined();
    const queries = errors.Metrics as Query[];
    expect(queries.filter((q) => q.ReturnData !== false).map((q) => q.Expression)).toEqual([
      'errors - FILL(unauthorized, 0)',
    ]);
    expect(queries.filter((q) => q.MetricStat).map((q) => describeStat(q, fnId))).toEqual([
      'errors: AWS/Lambda Errors FunctionName=fn Sum 60',
      'unauthorized: Cogauth Decisions Authorizer=fn Outcome=Unauthorized Sum 60',
    ]);
  });

  it('alarms on throttles: Sum ≥ 1 in 3 of 5 minutes', () => {
    expect(byName.ThrottlesAlarm).toMatchObject({
      ...WHEN,
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      Statistic: 'Sum',
      Threshold: 1,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('alarms on a p99 duration at 80 % of the function timeout (10 s: 8,000 ms)', () => {
    expect(byName.DurationAlarm).toMatchObject({
      ...WHEN,
      Namespace: 'AWS/Lambda',
      MetricName: 'Duration',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
      ExtendedStatistic: 'p99',
      Threshold: 8000,
      Period: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
  });

  it('alarms on a 401 share ≥ 50 % of at least 20 decisions, in 2 of 3 five-minute periods', () => {
    const refusals = byName.RefusalsAlarm as Props;
    expect(refusals).toMatchObject({ ...WHEN, Threshold: 50, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    const queries = refusals.Metrics as Query[];
    expect(queries.map((q) => describeStat(q, fnId))).toEqual([
      `${queries[0]?.Id} = IF(total >= 20, 100 * FILL(unauthorized, 0) / total, 0)`,
      'total = FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      'allow: Cogauth Decisions Authorizer=fn Outcome=Allow Sum 300',
      'deny: Cogauth Decisions Authorizer=fn Outcome=Deny Sum 300',
      'unauthorized: Cogauth Decisions Authorizer=fn Outcome=Unauthorized Sum 300',
    ]);
    expect(queries.map((q) => q.ReturnData)).toEqual([true, false, false, false, false]);
  });

  it('leaves names to CloudFormation and sends no notification', () => {
    for (const alarm of Object.values(byName)) {
      expect(alarm.AlarmName).toBeUndefined();
      expect(alarm.AlarmActions).toBeUndefined();
      expect(alarm.OKActions).toBeUndefined();
      expect(String(alarm.AlarmDescription)).toMatch(/^cogauth: /);
    }
    const [, dashboard] = only(t, 'AWS::CloudWatch::Dashboard');
    expect(dashboard.DashboardName).toBeUndefined();
  });

  it('adds a dashboard: decisions by outcome and reason, latency, JWKS, cache hits, Lambda, alarms', () => {
    const [, dashboard] = only(t, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.DashboardBody);
    const titles = [...body.matchAll(/\\"title\\":\\"([^\\]+)\\"/g)].map((m) => m[1]);
    expect(titles).toEqual([
      'Decisions by outcome',
      'Decisions by reason',
      '401 answers, % of decisions',
      'Latency (ms)',
      'JWKS fetches',
      'Result cache hits',
      'Lambda',
      'cogauth alarms',
    ]);
    for (const metric of [
      'Decisions',
      'DecisionLatency',
      'JwksFetches',
      'JwksFetchFailures',
      'JwksFetchLatency',
      'ResultCacheHits',
    ]) {
      expect(body).toContain(`\\"Cogauth\\",\\"${metric}\\",\\"Authorizer\\",\\"",{"Ref":"${fnId}"}`);
    }
    expect(body).toContain('SEARCH(');
    expect(body).not.toContain('Route');
    expect(body.match(/arn:/g)?.length ?? 0).toBe(0);
    for (const [alarmId] of resourcesOfType(t, 'AWS::CloudWatch::Alarm')) {
      expect(body).toContain(`{"Fn::GetAtt":["${alarmId}","Arn"]}`);
    }
  });
});

/** The authorizer with `monitoring` built in its own stack (so it can refer to a topic there). */
function withTopic(monitoring: (topic: sns.ITopic) => CogauthMonitoringProps) {
  const app = new App();
  const stack = new Stack(app, 'Test');
  const topic = new sns.Topic(stack, 'Alerts');
  const auth = new CogauthAuthorizer(stack, 'Auth', {
    userPoolId: 'us-east-1_AbC123',
    clientIds: ['client1'],
    rules: RULES,
    monitoring: monitoring(topic),
  });
  const t = templateOf(stack);
  return { t, auth, topicId: only(t, 'AWS::SNS::Topic')[0] };
}

describe('monitoring options', () => {
  it('sends ALARM and OK notifications of every alarm to the topic', () => {
    const { t, topicId } = withTopic((alarmTopic) => ({ alarmTopic }));
    const all = Object.values(alarms(t));
    expect(all).toHaveLength(5);
    for (const alarm of all) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.InsufficientDataActions).toBeUndefined();
    }
  });

  it('names the alarms and the dashboard after namePrefix', () => {
    const { t } = monitored({ namePrefix: 'orders-prod' });
    expect(Object.values(alarms(t)).map((a) => a.AlarmName)).toEqual([
      'orders-prod-jwks-failures',
      'orders-prod-errors',
      'orders-prod-throttles',
      'orders-prod-duration',
      'orders-prod-refusals',
    ]);
    expect(only(t, 'AWS::CloudWatch::Dashboard')[1].DashboardName).toBe('orders-prod-authorizer');
  });

  it('takes each alarm`s threshold and periods; the duration threshold is a share of the timeout', () => {
    const { t, fnId } = monitored(
      {
        namespace: 'Acme/Auth',
        alarms: {
          jwksFailures: {
            threshold: 3,
            period: Duration.minutes(5),
            evaluationPeriods: 2,
            datapointsToAlarm: 1,
          },
          duration: { threshold: 50 },
          refusals: { threshold: 90, minimumDecisions: 500, period: Duration.minutes(15) },
        },
      },
      { timeout: Duration.seconds(20) },
    );
    const byName = alarms(t);
    expect(byName.JwksFailuresAlarm).toMatchObject({
      Namespace: 'Acme/Auth',
      Threshold: 3,
      Period: 300,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 1,
    });
    expect(byName.DurationAlarm).toMatchObject({ Threshold: 10_000 });
    const refusals = byName.RefusalsAlarm as Props;
    expect(refusals.Threshold).toBe(90);
    const queries = refusals.Metrics as Query[];
    expect(queries[0]?.Expression).toBe('IF(total >= 500, 100 * FILL(unauthorized, 0) / total, 0)');
    expect(queries.filter((q) => q.MetricStat).map((q) => describeStat(q, fnId))).toEqual([
      'allow: Acme/Auth Decisions Authorizer=fn Outcome=Allow Sum 900',
      'deny: Acme/Auth Decisions Authorizer=fn Outcome=Deny Sum 900',
      'unauthorized: Acme/Auth Decisions Authorizer=fn Outcome=Unauthorized Sum 900',
    ]);
    expect(authorizerEnv(t).COGAUTH_METRICS_NAMESPACE).toBe('Acme/Auth');
  });

  it('leaves out an alarm set to false, and the dashboard with dashboard: false', () => {
    const { t, auth } = monitored({ dashboard: false, alarms: { throttles: false, refusals: false } });
    expect(Object.keys(alarms(t))).toEqual(['JwksFailuresAlarm', 'ErrorsAlarm', 'DurationAlarm']);
    expect(resourcesOfType(t, 'AWS::CloudWatch::Dashboard')).toEqual([]);
    expect(auth.monitoring?.dashboard).toBeUndefined();
    // Metrics stay on: the alarms left still need them.
    expect(authorizerEnv(t).COGAUTH_METRICS).toBe('emf');
  });

  it('adds the Route dimension variable and a route graph with routeDimension: true', () => {
    const { t } = monitored({ routeDimension: true });
    expect(authorizerEnv(t).COGAUTH_METRICS_ROUTE_DIMENSION).toBe('true');
    const body = JSON.stringify(only(t, 'AWS::CloudWatch::Dashboard')[1].DashboardBody);
    expect(body).toContain('Decisions by route and outcome');
    expect(body).toContain('Authorizer,Route,Outcome}');
  });

  it('fails the synth when the metrics variables are changed behind the alarms` back', () => {
    const { app, auth } = authorizerStack({ monitoring: { namespace: 'Acme' } });
    auth.function.addEnvironment('COGAUTH_METRICS_NAMESPACE', 'Other');
    expect(() => app.synth()).toThrow(/monitoring: the alarms watch namespace Acme/);
    const { app: off, auth: offAuth } = authorizerStack({ monitoring: {} });
    offAuth.function.addEnvironment('COGAUTH_METRICS', 'off');
    expect(() => off.synth()).toThrow(/COGAUTH_METRICS is "off"/);
    const { app: fine } = authorizerStack({ monitoring: {} });
    expect(() => fine.synth()).not.toThrow();
  });
});

// CloudFormation's own schema check of the template, where cfn-lint is installed (pip; not in Debian).
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 60_000 });
if (cfnLint.status !== 0) {
  console.info(
    `cfn-lint check skipped: cfn-lint is not on PATH (${cfnLint.error?.message ?? cfnLint.stderr.trim()}); ` +
      'install it with `pip install cfn-lint` to lint the alarms and the dashboard.',
  );
}

describe('the synthesized template', () => {
  it.skipIf(cfnLint.status !== 0)('passes cfn-lint with no errors, every option on', () => {
    const { t } = withTopic((alarmTopic) => ({ alarmTopic, namePrefix: 'lint', routeDimension: true }));
    const dir = mkdtempSync(join(tmpdir(), 'cogauth-cdk-lint-'));
    try {
      const file = join(dir, 'template.json');
      writeFileSync(file, JSON.stringify(t));
      const lint = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', file], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect(`${lint.stdout}${lint.stderr}`.split('\n').filter((l) => /^E\d/.test(l))).toEqual([]);
      expect(lint.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('log settings', () => {
  it('passes logLevel and logAllowedSampleRate to the function, without monitoring too', () => {
    const { stack } = authorizerStack({ logLevel: 'refusals', logAllowedSampleRate: 0.05 });
    const env = authorizerEnv(templateOf(stack));
    expect(env.COGAUTH_LOG_LEVEL).toBe('refusals');
    expect(env.COGAUTH_LOG_ALLOWED_SAMPLE_RATE).toBe('0.05');
    expect(env.COGAUTH_METRICS).toBeUndefined();
  });
});

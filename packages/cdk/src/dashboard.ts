import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { type AuthorizerMetrics, OUTCOMES } from './authorizer-metrics.js';
import type { CogauthAlarmName } from './monitoring-props.js';
import type { MonitoringSettings } from './monitoring-settings.js';

/** Every graph sums or ranks five-minute periods. */
const PERIOD = 300;
const WIDTH = 8;

function graph(title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) {
  return new cloudwatch.GraphWidget({ title, left, width: WIDTH, height: 6, ...extra });
}

function decisionWidgets(m: AuthorizerMetrics): cloudwatch.IWidget[] {
  return [
    graph(
      'Decisions by outcome',
      OUTCOMES.map((o) => m.decisions(o, PERIOD).with({ label: o })),
      { stacked: true },
    ),
    graph('Decisions by reason', [m.search(['Reason'], 'Decisions', 'Sum', PERIOD)]),
    graph('401 answers, % of decisions', [m.refusalShare(PERIOD, 1)], {
      leftYAxis: { min: 0, max: 100 },
    }),
  ];
}

function latencyWidgets(m: AuthorizerMetrics, timeoutMs: number): cloudwatch.IWidget[] {
  return [
    graph(
      'Latency (ms)',
      [
        m.cogauth('DecisionLatency', 'p50', PERIOD).with({ label: 'decision p50' }),
        m.cogauth('DecisionLatency', 'p99', PERIOD).with({ label: 'decision p99' }),
        m.lambda('Duration', 'p99', PERIOD).with({ label: 'Lambda duration p99' }),
      ],
      { leftAnnotations: [{ value: timeoutMs, label: 'timeout' }] },
    ),
    graph(
      'JWKS fetches',
      [
        m.cogauth('JwksFetches', 'Sum', PERIOD).with({ label: 'fetches' }),
        m.cogauth('JwksFetchFailures', 'Sum', PERIOD).with({ label: 'failures' }),
      ],
      { right: [m.cogauth('JwksFetchLatency', 'p99', PERIOD).with({ label: 'fetch latency p99 (ms)' })] },
    ),
    graph('Result cache hits', [
      m.cogauth('ResultCacheHits', 'Sum', PERIOD).with({ label: 'cache hits' }),
      m.lambda('Invocations', 'Sum', PERIOD).with({ label: 'invocations' }),
    ]),
  ];
}

function lambdaWidgets(m: AuthorizerMetrics, alarms: cloudwatch.IAlarm[]): cloudwatch.IWidget[] {
  const widgets: cloudwatch.IWidget[] = [
    graph(
      'Lambda',
      [
        m.lambda('Errors', 'Sum', PERIOD).with({ label: 'errors (401 answers included)' }),
        m.errorsBeyond401(PERIOD),
        m.lambda('Throttles', 'Sum', PERIOD).with({ label: 'throttles' }),
      ],
      { right: [m.lambda('ConcurrentExecutions', 'Maximum', PERIOD).with({ label: 'concurrency' })] },
    ),
  ];
  if (alarms.length > 0) {
    widgets.push(new cloudwatch.AlarmStatusWidget({ title: 'cogauth alarms', alarms, width: 2 * WIDTH }));
  }
  return widgets;
}

/** The authorizer's dashboard: decisions by outcome and reason, latency, JWKS, cache, Lambda, alarms. */
export function addDashboard(
  scope: Construct,
  m: AuthorizerMetrics,
  s: MonitoringSettings,
  alarms: Partial<Record<CogauthAlarmName, cloudwatch.Alarm>>,
  timeoutMs: number,
): cloudwatch.Dashboard {
  const dashboard = new cloudwatch.Dashboard(scope, 'Dashboard', {
    ...(s.namePrefix === undefined ? {} : { dashboardName: `${s.namePrefix}-authorizer` }),
  });
  dashboard.addWidgets(...decisionWidgets(m));
  dashboard.addWidgets(...latencyWidgets(m, timeoutMs));
  dashboard.addWidgets(...lambdaWidgets(m, Object.values(alarms)));
  if (s.routeDimension) {
    dashboard.addWidgets(
      graph('Decisions by route and outcome', [m.search(['Route', 'Outcome'], 'Decisions', 'Sum', PERIOD)], {
        width: 3 * WIDTH,
      }),
    );
  }
  return dashboard;
}

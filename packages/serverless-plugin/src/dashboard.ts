import { OUTCOMES } from './alarms.js';

// The dashboard body is JSON inside `Fn::Sub`: `${Fn}` is the function's name, `${AWS::Region}` the region,
// `${<alarm>.Arn}` an alarm. Nothing else in it holds `${` (namespaces and labels cannot).
/** A `Fn::Sub` variable, written out. */
const sub = (name: string): string => `\${${name}}`;
const FN = sub('Fn');
/** Every graph sums or ranks five-minute periods. */
const PERIOD = 300;
const WIDTH = 8;
const HEIGHT = 6;

type Row = unknown[];
type Widget = { title: string; width?: number; type?: 'alarm'; properties: Record<string, unknown> };

export interface DashboardInput {
  readonly namespace: string;
  readonly routeDimension: boolean;
  readonly timeoutMs: number;
  /** Logical ids of the alarms created. */
  readonly alarmIds: readonly string[];
}

const cogauth = (ns: string, metric: string, stat: string, label: string, extra: string[] = []): Row => [
  ns,
  metric,
  'Authorizer',
  FN,
  ...extra,
  { stat, label },
];
const lambda = (metric: string, stat: string, label: string, options: object = {}): Row => [
  'AWS/Lambda',
  metric,
  'FunctionName',
  FN,
  { stat, label, ...options },
];
const search = (ns: string, dims: string[]): Row => [
  {
    expression: `SEARCH('{"${ns}",Authorizer,${dims.join(',')}} MetricName="Decisions" Authorizer="${FN}"', 'Sum', ${PERIOD})`,
  },
];

function decisionWidgets(ns: string): Widget[] {
  const hidden = (o: string): Row => [
    ns,
    'Decisions',
    'Authorizer',
    FN,
    'Outcome',
    o,
    { stat: 'Sum', id: o.toLowerCase(), visible: false },
  ];
  return [
    {
      title: 'Decisions by outcome',
      properties: {
        stacked: true,
        metrics: OUTCOMES.map((o) => cogauth(ns, 'Decisions', 'Sum', o, ['Outcome', o])),
      },
    },
    { title: 'Decisions by reason', properties: { metrics: [search(ns, ['Reason'])] } },
    {
      title: '401 answers, % of decisions',
      properties: {
        yAxis: { left: { min: 0, max: 100 } },
        metrics: [
          [
            {
              expression: 'IF(total >= 1, 100 * FILL(unauthorized, 0) / total, 0)',
              label: '401 answers (% of decisions)',
            },
          ],
          [
            {
              expression: 'FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
              id: 'total',
              visible: false,
            },
          ],
          ...OUTCOMES.map(hidden),
        ],
      },
    },
  ];
}

function latencyWidgets(ns: string, timeoutMs: number): Widget[] {
  return [
    {
      title: 'Latency (ms)',
      properties: {
        annotations: { horizontal: [{ value: timeoutMs, label: 'timeout' }] },
        metrics: [
          cogauth(ns, 'DecisionLatency', 'p50', 'decision p50'),
          cogauth(ns, 'DecisionLatency', 'p99', 'decision p99'),
          lambda('Duration', 'p99', 'Lambda duration p99'),
        ],
      },
    },
    {
      title: 'JWKS fetches',
      properties: {
        metrics: [
          cogauth(ns, 'JwksFetches', 'Sum', 'fetches'),
          cogauth(ns, 'JwksFetchFailures', 'Sum', 'failures'),
          [
            ns,
            'JwksFetchLatency',
            'Authorizer',
            FN,
            { stat: 'p99', label: 'fetch latency p99 (ms)', yAxis: 'right' },
          ],
        ],
      },
    },
    {
      title: 'Result cache hits',
      properties: {
        metrics: [
          cogauth(ns, 'ResultCacheHits', 'Sum', 'cache hits'),
          lambda('Invocations', 'Sum', 'invocations'),
        ],
      },
    },
  ];
}

function lambdaWidgets(ns: string, alarmIds: readonly string[]): Widget[] {
  const widgets: Widget[] = [
    {
      title: 'Lambda',
      properties: {
        metrics: [
          lambda('Errors', 'Sum', 'errors (401 answers included)', { id: 'errors' }),
          [{ expression: 'errors - FILL(unauthorized, 0)', label: 'Errors other than 401 answers' }],
          [
            ns,
            'Decisions',
            'Authorizer',
            FN,
            'Outcome',
            'Unauthorized',
            { stat: 'Sum', id: 'unauthorized', visible: false },
          ],
          lambda('Throttles', 'Sum', 'throttles'),
          lambda('ConcurrentExecutions', 'Maximum', 'concurrency', { yAxis: 'right' }),
        ],
      },
    },
  ];
  if (alarmIds.length > 0) {
    widgets.push({
      title: 'cogauth alarms',
      type: 'alarm',
      width: 2 * WIDTH,
      properties: { alarms: alarmIds.map((id) => sub(`${id}.Arn`)) },
    });
  }
  return widgets;
}

/** Lays the widgets out three to a row, as CloudWatch's own grid (24 columns) does. */
function layout(widgets: Widget[]): object[] {
  let x = 0;
  let y = 0;
  return widgets.map((w) => {
    const width = w.width ?? WIDTH;
    if (x + width > 24) {
      x = 0;
      y += HEIGHT;
    }
    const placed = {
      type: w.type ?? 'metric',
      x,
      y,
      width,
      height: HEIGHT,
      properties:
        w.type === 'alarm'
          ? { title: w.title, ...w.properties }
          : {
              view: 'timeSeries',
              title: w.title,
              region: sub('AWS::Region'),
              period: PERIOD,
              ...w.properties,
            },
    };
    x += width;
    return placed;
  });
}

/** The dashboard body (for `Fn::Sub`): decisions, latency, JWKS, cache, Lambda, alarms, routes if on. */
export function dashboardBody(d: DashboardInput): string {
  const widgets = [
    ...decisionWidgets(d.namespace),
    ...latencyWidgets(d.namespace, d.timeoutMs),
    ...lambdaWidgets(d.namespace, d.alarmIds),
  ];
  if (d.routeDimension) {
    widgets.push({
      title: 'Decisions by route and outcome',
      width: 3 * WIDTH,
      properties: { metrics: [search(d.namespace, ['Route', 'Outcome'])] },
    });
  }
  return JSON.stringify({ widgets: layout(widgets) });
}

import { type MetricName, UNIT_OF } from './metric-names.js';
import type { DecisionGroup, MetricsBatch } from './metrics-batch.js';
import type { MetricDatum, MetricsConfig } from './metrics-options.js';

/**
 * A flush as CloudWatch Embedded Metric Format documents (one JSON line each), following the specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * an `_aws` member with `Timestamp` and `CloudWatchMetrics`, each directive's dimensions and metrics as
 * members of the root. A document has one value per dimension, so each outcome and reason (and route) of
 * `Decisions` is its own document; the first one also carries the `[Authorizer]` metrics.
 */

type Summary = [MetricName, readonly number[]][];

/** The `[Authorizer]` metrics of a batch that have something to say. */
function summaryOf(b: MetricsBatch): Summary {
  const out: Summary = [];
  if (b.latency.values.length > 0) out.push(['DecisionLatency', b.latency.values]);
  if (b.jwksFetches > 0) {
    out.push(['JwksFetches', [b.jwksFetches]], ['JwksFetchFailures', [b.jwksFailures]]);
    out.push(['JwksFetchLatency', b.jwksLatency.values]);
  }
  if (b.cacheHits > 0) out.push(['ResultCacheHits', [b.cacheHits]]);
  return out;
}

const metric = (name: MetricName) => ({ Name: name, Unit: UNIT_OF[name] });
const single = (values: readonly number[]) => (values.length === 1 ? values[0] : values);

function decisionsDirective(namespace: string, g: DecisionGroup) {
  const dimensions = [
    ['Authorizer', 'Outcome'],
    ['Authorizer', 'Reason'],
  ];
  if (g.route !== undefined) dimensions.push(['Authorizer', 'Route', 'Outcome']);
  return { Namespace: namespace, Dimensions: dimensions, Metrics: [metric('Decisions')] };
}

function document(c: MetricsConfig, b: MetricsBatch, g: DecisionGroup | undefined, summary: Summary): string {
  const directives: object[] = [];
  const root: Record<string, unknown> = {};
  if (summary.length > 0) {
    directives.push({
      Namespace: c.namespace,
      Dimensions: [['Authorizer']],
      Metrics: summary.map(([name]) => metric(name)),
    });
    for (const [name, values] of summary) root[name] = single(values);
  }
  if (g !== undefined) {
    directives.push(decisionsDirective(c.namespace, g));
    root.Outcome = g.outcome;
    root.Reason = g.reason;
    if (g.route !== undefined) root.Route = g.route;
    root.Decisions = g.count;
  }
  return JSON.stringify({
    _aws: { Timestamp: b.timestamp, CloudWatchMetrics: directives },
    Authorizer: c.authorizer,
    ...root,
  });
}

/** The EMF lines of a batch: one per decision group, the `[Authorizer]` metrics in the first. */
export function emfLines(c: MetricsConfig, b: MetricsBatch): string[] {
  const summary = summaryOf(b);
  const groups = b.groups;
  if (groups.length === 0) return summary.length === 0 ? [] : [document(c, b, undefined, summary)];
  return groups.map((g, i) => document(c, b, g, i === 0 ? summary : []));
}

/** Adds `count` under `key` (the dimension values joined), remembering the dimensions. */
function tally(
  into: Map<string, { dimensions: MetricDatum['dimensions']; count: number }>,
  dimensions: MetricDatum['dimensions'],
  count: number,
): void {
  const key = Object.entries(dimensions).flat().join(' ');
  const entry = into.get(key);
  if (entry) entry.count += count;
  else into.set(key, { dimensions, count });
}

/** The same metrics as data for a sink: one datum per metric and dimension values, counts summed. */
export function datumsOf(c: MetricsConfig, b: MetricsBatch): MetricDatum[] {
  const datum = (name: MetricName, values: readonly number[], dimensions: MetricDatum['dimensions']) => ({
    name,
    unit: UNIT_OF[name],
    values,
    dimensions: { Authorizer: c.authorizer, ...dimensions },
    timestamp: b.timestamp,
  });
  const out: MetricDatum[] = summaryOf(b).map(([name, values]) => datum(name, values, {}));
  const counts = new Map<string, { dimensions: MetricDatum['dimensions']; count: number }>();
  for (const g of b.groups) {
    tally(counts, { Outcome: g.outcome }, g.count);
    tally(counts, { Reason: g.reason }, g.count);
    if (g.route !== undefined) tally(counts, { Route: g.route, Outcome: g.outcome }, g.count);
  }
  for (const { dimensions, count } of counts.values()) out.push(datum('Decisions', [count], dimensions));
  return out;
}

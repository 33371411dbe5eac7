/**
 * The metrics contract (issue 22): names, units and dimensions the deploy packages' alarms and dashboards
 * select. Change them here and in `@cogauth/cdk` / `@cogauth/serverless-plugin` together.
 */

export const DEFAULT_NAMESPACE = 'Cogauth';
/** The `Authorizer` dimension's value when neither the option nor AWS_LAMBDA_FUNCTION_NAME gives one. */
export const DEFAULT_AUTHORIZER = 'cogauth';
/** The `Route` dimension's value for a request no rule's route matches (or whose route is unknown). */
export const NO_ROUTE = '(none)';

export type MetricName =
  | 'Decisions'
  | 'DecisionLatency'
  | 'JwksFetches'
  | 'JwksFetchFailures'
  | 'JwksFetchLatency'
  | 'ResultCacheHits';

export type MetricUnit = 'Count' | 'Milliseconds';

export const UNIT_OF: Readonly<Record<MetricName, MetricUnit>> = {
  Decisions: 'Count',
  DecisionLatency: 'Milliseconds',
  JwksFetches: 'Count',
  JwksFetchFailures: 'Count',
  JwksFetchLatency: 'Milliseconds',
  ResultCacheHits: 'Count',
};

/** Dimension names: `Authorizer` on every metric; the others on `Decisions` only. */
export type DimensionName = 'Authorizer' | 'Outcome' | 'Reason' | 'Route';

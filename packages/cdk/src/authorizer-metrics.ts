import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';

/** The outcomes of the `Decisions` metric's `Outcome` dimension (the metrics contract of issue 22). */
export const OUTCOMES = ['Allow', 'Deny', 'Unauthorized'] as const;

/**
 * The metrics of one authorizer function: cogauth's own (the namespace it emits to, dimension `Authorizer` =
 * the function's name, which is what the function reads as AWS_LAMBDA_FUNCTION_NAME) and Lambda's
 * (`FunctionName`). Both dimensions are the function's `Ref`, so they follow a renamed function.
 */
export class AuthorizerMetrics {
  constructor(
    private readonly fn: lambda.IFunction,
    readonly namespace: string,
  ) {}

  cogauth(metricName: string, statistic: string, seconds: number, extra: Record<string, string> = {}) {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName,
      dimensionsMap: { Authorizer: this.fn.functionName, ...extra },
      statistic,
      period: Duration.seconds(seconds),
    });
  }

  lambda(metricName: string, statistic: string, seconds: number): cloudwatch.Metric {
    return this.fn.metric(metricName, { statistic, period: Duration.seconds(seconds) });
  }

  decisions(outcome: (typeof OUTCOMES)[number], seconds: number): cloudwatch.Metric {
    return this.cogauth('Decisions', 'Sum', seconds, { Outcome: outcome });
  }

  /**
   * Lambda counts every `Error('Unauthorized')` (how an authorizer answers 401) as a function error, so an
   * alarm on `Errors` alone fires on ordinary bad tokens. The difference is what failed otherwise: timeouts,
   * out of memory, a configuration refused at cold start.
   */
  errorsBeyond401(seconds: number): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: 'errors - FILL(unauthorized, 0)',
      usingMetrics: {
        errors: this.lambda('Errors', 'Sum', seconds),
        unauthorized: this.decisions('Unauthorized', seconds),
      },
      period: Duration.seconds(seconds),
      label: 'Errors other than 401 answers',
    });
  }

  /** Percent of decisions answered 401, 0 while fewer than `minimum` decisions were made in the period. */
  refusalShare(seconds: number, minimum: number): cloudwatch.MathExpression {
    const [allow, deny, unauthorized] = OUTCOMES.map((o) => this.decisions(o, seconds));
    const period = Duration.seconds(seconds);
    const total = new cloudwatch.MathExpression({
      expression: 'FILL(allow, 0) + FILL(deny, 0) + FILL(unauthorized, 0)',
      usingMetrics: { allow, deny, unauthorized } as Record<string, cloudwatch.IMetric>,
      period,
      label: 'Decisions',
    });
    return new cloudwatch.MathExpression({
      expression: `IF(total >= ${minimum}, 100 * FILL(unauthorized, 0) / total, 0)`,
      usingMetrics: { total, unauthorized } as Record<string, cloudwatch.IMetric>,
      period,
      label: '401 answers (% of decisions)',
    });
  }

  /** Every series of `metricName` under `dimensions` (one per reason, per route …), for a graph. */
  search(dimensions: readonly string[], metricName: string, statistic: string, seconds: number) {
    const schema = [`"${this.namespace}"`, 'Authorizer', ...dimensions].join(',');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${schema}} MetricName="${metricName}" Authorizer="${this.fn.functionName}"', '${statistic}', ${seconds})`,
      usingMetrics: {},
      label: '',
    });
  }
}

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FunctionWithOwnLogsProps {
  readonly code: lambda.Code;
  readonly handler: string;
  readonly description: string;
  /** @default Node.js 22 */
  readonly runtime?: lambda.Runtime;
  /** @default ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
  /** @default two weeks */
  readonly logRetention?: logs.RetentionDays;
}

export interface FunctionWithOwnLogs {
  readonly function: lambda.Function;
  /** May only create streams in and write events to `logGroup`. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * Adds `Logs`, `Role` and `Function` to `scope`: a function with its own log group and its own role,
 * which may only create streams in and write events to that log group (no AWS managed policy, no
 * `logs:CreateLogGroup`, nothing else). The authorizer's function is built this way.
 */
export function addFunctionWithOwnLogs(
  scope: Construct,
  props: FunctionWithOwnLogsProps,
): FunctionWithOwnLogs {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    retention: props.logRetention ?? logs.RetentionDays.TWO_WEEKS,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `${props.description}: writes its own logs, nothing else`,
    inlinePolicies: {
      WriteOwnLogs: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            // The log group's Arn attribute ends in `:*`, which covers its log streams.
            resources: [logGroup.logGroupArn],
          }),
        ],
      }),
    },
  });
  const fn = new lambda.Function(scope, 'Function', {
    code: props.code,
    handler: props.handler,
    description: props.description,
    runtime: props.runtime ?? lambda.Runtime.NODEJS_22_X,
    architecture: props.architecture ?? lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    timeout: props.timeout ?? Duration.seconds(10),
    role,
    logGroup,
    ...(props.environment === undefined ? {} : { environment: props.environment }),
  });
  return { function: fn, role, logGroup };
}

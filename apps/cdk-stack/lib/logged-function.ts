import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LoggedFunctionProps {
  readonly code: lambda.Code;
  readonly handler: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/**
 * A nodejs22.x arm64 function with its own log group and its own role. The role may only create
 * streams in and write events to that log group: no AWS managed policy, no `logs:CreateLogGroup`,
 * nothing else.
 */
export class LoggedFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LoggedFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description}: writes its own logs, nothing else`,
      inlinePolicies: {
        WriteOwnLogs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              // The log group's Arn attribute already ends in `:*`, which covers its log streams.
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });
    this.function = new lambda.Function(this, 'Function', {
      code: props.code,
      handler: props.handler,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      ...(props.environment === undefined ? {} : { environment: props.environment }),
    });
  }
}

import { addFunctionWithOwnLogs, type FunctionWithOwnLogsProps } from '@cogauth/cdk';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export type LoggedFunctionProps = FunctionWithOwnLogsProps;

/**
 * A nodejs22.x arm64 function with its own log group and its own role, built as `@cogauth/cdk` builds
 * the authorizer's: the role may only write that log group.
 */
export class LoggedFunction extends Construct {
  readonly function: lambda.Function;
  readonly logGroup: logs.LogGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LoggedFunctionProps) {
    super(scope, id);
    const own = addFunctionWithOwnLogs(this, props);
    this.function = own.function;
    this.logGroup = own.logGroup;
    this.role = own.role;
  }
}

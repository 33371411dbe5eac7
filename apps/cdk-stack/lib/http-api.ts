import type { SampleRoute } from '@cogauth/sample';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { accessLogGroup, HTTP_ACCESS_LOG_FORMAT } from './access-log.js';

export interface CogauthHttpApiProps {
  /** `CogauthAuthorizer.httpApiAuthorizer()`: guards every route. */
  readonly authorizer: apigwv2.IHttpRouteAuthorizer;
  readonly routes: readonly { readonly route: SampleRoute; readonly backend: lambda.IFunction }[];
  readonly logRetention: logs.RetentionDays;
}

/** HTTP API whose every route is guarded by the cogauth Lambda authorizer. */
export class CogauthHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CogauthHttpApiProps) {
    super(scope, id);
    this.accessLogs = accessLogGroup(this, props.logRetention);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'cogauth sample HTTP API (Lambda authorizer, IAM policy responses)',
      createDefaultStage: false,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: HTTP_ACCESS_LOG_FORMAT,
      },
      throttle: { rateLimit: 50, burstLimit: 100 },
    });
    const { authorizer } = props;
    for (const { route, backend } of props.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.handler}Integration`, backend),
        authorizer,
      });
    }
  }
}

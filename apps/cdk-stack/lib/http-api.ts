import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_ACCESS_LOG_FORMAT } from './access-log.js';
import type { SampleRoute } from './sample-routes.js';

/**
 * The authorizer answers with an IAM policy listing every route the caller may use (cogauth's default),
 * so API Gateway may cache it by token alone, as for REST.
 */
export const HTTP_IDENTITY_SOURCE = ['$request.header.Authorization'] as const;

export interface CogauthHttpApiProps {
  readonly authorizerFunction: lambda.IFunction;
  readonly routes: readonly { readonly route: SampleRoute; readonly backend: lambda.IFunction }[];
  readonly resultTtlSeconds: number;
  readonly logRetention: logs.RetentionDays;
}

/** HTTP API whose every route is guarded by the cogauth Lambda authorizer with IAM policy responses. */
export class CogauthHttpApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CogauthHttpApiProps) {
    super(scope, id);
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
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
    const authorizer = new HttpLambdaAuthorizer('Authorizer', props.authorizerFunction, {
      authorizerName: 'cogauth',
      responseTypes: [HttpLambdaResponseType.IAM],
      identitySource: [...HTTP_IDENTITY_SOURCE],
      resultsCacheTtl: Duration.seconds(props.resultTtlSeconds),
    });
    for (const { route, backend } of props.routes) {
      this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.handler}Integration`, backend),
        authorizer,
      });
    }
    // CDK's HttpLambdaAuthorizer sends payload 1.0 with IAM responses; cogauth reads payload 2.0
    // (routeArn, routeKey) as the Serverless app declares it, so the L1 authorizer is set to match.
    for (const child of this.api.node.findAll()) {
      if (child instanceof apigwv2.CfnAuthorizer) {
        child.authorizerPayloadFormatVersion = '2.0';
        child.enableSimpleResponses = false;
      }
    }
  }
}

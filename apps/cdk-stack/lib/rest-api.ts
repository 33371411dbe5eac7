import type { SampleRoute } from '@cogauth/sample';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { accessLogGroup, REST_ACCESS_LOG_FORMAT } from './access-log.js';
import { bodySchemaOf, pathParameters } from './sample-routes.js';

export interface CogauthRestApiProps {
  /** `CogauthAuthorizer.restApiAuthorizer()`: guards every method. */
  readonly authorizer: apigw.IAuthorizer;
  readonly routes: readonly { readonly route: SampleRoute; readonly backend: lambda.IFunction }[];
  readonly stageName: string;
  readonly logRetention: logs.RetentionDays;
  /** Create the account-wide role API Gateway needs to write CloudWatch logs. */
  readonly cloudWatchRole: boolean;
  /** An existing regional WAFv2 web ACL to associate with the stage. */
  readonly webAclArn?: string;
}

/** REST API whose every method is guarded by the cogauth TOKEN authorizer. */
export class CogauthRestApi extends Construct {
  readonly api: apigw.RestApi;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: CogauthRestApiProps) {
    super(scope, id);
    this.accessLogs = accessLogGroup(this, props.logRetention);
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'cogauth sample REST API (TOKEN authorizer)',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: props.cloudWatchRole,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
        accessLogFormat: REST_ACCESS_LOG_FORMAT,
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        // Data trace would log full requests, Authorization header included.
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
    });
    // The stack exports the URL as RestApiUrl; drop RestApi's own duplicate output.
    this.api.node.tryRemoveChild('Endpoint');
    if (props.webAclArn !== undefined) {
      new wafv2.CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
    const validator = this.api.addRequestValidator('RequireParameters', {
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    for (const { route, backend } of props.routes) {
      const requestParameters: Record<string, boolean> = { 'method.request.header.Authorization': true };
      for (const name of pathParameters(route.path)) requestParameters[`method.request.path.${name}`] = true;
      const bodySchema = bodySchemaOf(route);
      const requestModels =
        bodySchema === undefined
          ? undefined
          : {
              'application/json': this.api.addModel(`${route.handler}Body`, {
                contentType: 'application/json',
                schema: { schema: apigw.JsonSchemaVersion.DRAFT4, ...bodySchema },
              }),
            };
      this.api.root
        .resourceForPath(route.path)
        .addMethod(route.method, new apigw.LambdaIntegration(backend, { allowTestInvoke: false }), {
          authorizer: props.authorizer,
          requestValidator: validator,
          requestParameters,
          ...(requestModels === undefined ? {} : { requestModels }),
        });
    }
  }
}

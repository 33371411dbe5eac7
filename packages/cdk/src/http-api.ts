import { type CfnResource, Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { AuthorizerSettings } from './settings.js';

/** Identity sources per the HTTP API decision (see the README's "HTTP APIs"). */
export function httpIdentitySource(s: AuthorizerSettings): string[] {
  // A simple answer, or a per-request policy, holds for one route only: with the cache on, the route key must
  // be part of the cache key.
  if ((s.httpApiResponse === 'simple' || s.answerMode === 'per-request') && !s.httpApiCacheOff) {
    return ['$request.header.Authorization', '$context.routeKey'];
  }
  return ['$request.header.Authorization'];
}

export function httpTtlSeconds(s: AuthorizerSettings): number {
  return s.httpApiCacheOff ? 0 : s.ttlSeconds;
}

/**
 * aws-cdk-lib's `HttpLambdaAuthorizer`, with payload format 2.0 for IAM-policy answers too (CDK picks 1.0
 * for them; the cogauth authorizer answers 2.0 events with a policy covering every permitted route).
 */
export class CogauthHttpAuthorizer implements apigwv2.IHttpRouteAuthorizer {
  readonly authorizationType = 'CUSTOM';
  private readonly inner: HttpLambdaAuthorizer;
  private readonly simple: boolean;

  constructor(
    private readonly id: string,
    handler: lambda.IFunction,
    settings: AuthorizerSettings,
  ) {
    this.simple = settings.httpApiResponse === 'simple';
    this.inner = new HttpLambdaAuthorizer(id, handler, {
      authorizerName: 'cogauth',
      responseTypes: [this.simple ? HttpLambdaResponseType.SIMPLE : HttpLambdaResponseType.IAM],
      identitySource: httpIdentitySource(settings),
      resultsCacheTtl: Duration.seconds(httpTtlSeconds(settings)),
    });
  }

  bind(options: apigwv2.HttpRouteAuthorizerBindOptions): apigwv2.HttpRouteAuthorizerConfig {
    const config = this.inner.bind(options);
    const resource = options.scope.node.tryFindChild(this.id)?.node.defaultChild as CfnResource | undefined;
    if (resource === undefined) throw new Error(`cogauth: HTTP API authorizer ${this.id} was not created`);
    resource.addPropertyOverride('AuthorizerPayloadFormatVersion', '2.0');
    resource.addPropertyOverride('EnableSimpleResponses', this.simple);
    return config;
  }
}

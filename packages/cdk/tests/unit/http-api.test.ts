import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { describe, expect, it } from 'vitest';
import type { CogauthAuthorizerProps } from '../../src/index.js';
import {
  authorizerEnv,
  authorizerStack,
  invokePermissions,
  only,
  refOf,
  resourcesOfType,
  templateOf,
} from './support.js';

function httpStack(props: Partial<CogauthAuthorizerProps> = {}) {
  const { stack, auth } = authorizerStack(props);
  const api = new apigwv2.HttpApi(stack, 'Http'); // the user's existing API
  const integration = new HttpUrlIntegration('Backend', 'https://backend.example.com');
  for (const [method, path] of [
    [apigwv2.HttpMethod.GET, '/messages'],
    [apigwv2.HttpMethod.POST, '/messages'],
    [apigwv2.HttpMethod.DELETE, '/messages/{id}'],
  ] as const) {
    api.addRoutes({ path, methods: [method], integration, authorizer: auth.httpApiAuthorizer() });
  }
  return templateOf(stack);
}

function expectRoutesGuarded(t: ReturnType<typeof templateOf>): void {
  const [id] = only(t, 'AWS::ApiGatewayV2::Authorizer');
  const routes = resourcesOfType(t, 'AWS::ApiGatewayV2::Route');
  expect(routes.length).toBeGreaterThan(0);
  for (const [, r] of routes) {
    expect(r.Properties?.AuthorizationType).toBe('CUSTOM');
    expect(refOf(r.Properties?.AuthorizerId)).toBe(id);
  }
}

describe('HTTP API authorizer', () => {
  it('answers with an IAM policy by default: payload 2.0, Authorization header only, 300 s', () => {
    const t = httpStack();
    const [id, props] = only(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(props).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(authorizerEnv(t).COGAUTH_HTTP_API_RESPONSE).toBe('iam');
    expect(authorizerEnv(t).COGAUTH_HTTP_API_CACHE).toBeUndefined();
    expectRoutesGuarded(t);
    const [apiId] = only(t, 'AWS::ApiGatewayV2::Api');
    const permissions = invokePermissions(t);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.sourceArn).toContain(`{"Ref":"${apiId}"},"/authorizers/",{"Ref":"${id}"}`);
  });

  it('with simple responses and the cache on, keys the cache by token and route', () => {
    const t = httpStack({ httpApiResponse: 'simple' });
    const [, props] = only(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(props).toMatchObject({
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(authorizerEnv(t).COGAUTH_HTTP_API_RESPONSE).toBe('simple');
    expect(authorizerEnv(t).COGAUTH_HTTP_API_CACHE).toBeUndefined();
  });

  it("with simple responses and httpApiCache 'off', sets TTL 0 and tells the authorizer", () => {
    const t = httpStack({ httpApiResponse: 'simple', httpApiCache: 'off' });
    const [, props] = only(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(props).toMatchObject({
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(authorizerEnv(t)).toMatchObject({
      COGAUTH_HTTP_API_RESPONSE: 'simple',
      COGAUTH_HTTP_API_CACHE: 'off',
    });
    // The REST cache is a separate setting and stays on.
    expect(authorizerEnv(t).COGAUTH_HTTP_API_RESPONSE).toBe('simple');
  });

  it("with answerMode 'per-request', keys the cache by token and route (TTL 0 with httpApiCache 'off')", () => {
    const t = httpStack({ answerMode: 'per-request', resultsCacheTtl: Duration.seconds(120) });
    const [, props] = only(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(props).toMatchObject({
      EnableSimpleResponses: false,
      IdentitySource: ['$request.header.Authorization', '$context.routeKey'],
      AuthorizerResultTtlInSeconds: 120,
    });
    expect(authorizerEnv(t).COGAUTH_ANSWER_MODE).toBe('per-request');
    const off = httpStack({ answerMode: 'per-request', httpApiCache: 'off' });
    expect(only(off, 'AWS::ApiGatewayV2::Authorizer')[1]).toMatchObject({
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 0,
    });
  });

  it('works as the default authorizer of an HTTP API', () => {
    const { stack, auth } = authorizerStack();
    const api = new apigwv2.HttpApi(stack, 'Http', { defaultAuthorizer: auth.httpApiAuthorizer() });
    const integration = new HttpUrlIntegration('Backend', 'https://backend.example.com');
    api.addRoutes({ path: '/messages', methods: [apigwv2.HttpMethod.GET], integration });
    api.addRoutes({ path: '/{proxy+}', methods: [apigwv2.HttpMethod.ANY], integration });
    const t = templateOf(stack);
    expectRoutesGuarded(t);
    expect(resourcesOfType(t, 'AWS::ApiGatewayV2::Route')).toHaveLength(2);
  });
});

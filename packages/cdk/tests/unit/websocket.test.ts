import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketMockIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { describe, expect, it } from 'vitest';
import {
  authorizerStack,
  invokePermissions,
  only,
  RULES,
  refOf,
  resourcesOfType,
  templateOf,
} from './support.js';

describe('WebSocket $connect authorizer', () => {
  it('guards $connect on the Authorization header, invocable by this API only', () => {
    const { stack, auth } = authorizerStack({
      rules: [...RULES, { route: '$connect', groups: ['readers'] }],
    });
    new apigwv2.WebSocketApi(stack, 'Ws', {
      connectRouteOptions: {
        integration: new WebSocketMockIntegration('Connect'),
        authorizer: auth.webSocketAuthorizer(),
      },
    });
    const t = templateOf(stack);
    const [id, props] = only(t, 'AWS::ApiGatewayV2::Authorizer');
    expect(props).toMatchObject({
      AuthorizerType: 'REQUEST',
      IdentitySource: ['route.request.header.Authorization'],
      Name: 'cogauth',
    });
    const connect = resourcesOfType(t, 'AWS::ApiGatewayV2::Route').find(
      ([, r]) => r.Properties?.RouteKey === '$connect',
    );
    expect(connect?.[1].Properties?.AuthorizationType).toBe('CUSTOM');
    expect(refOf(connect?.[1].Properties?.AuthorizerId)).toBe(id);
    const [apiId] = only(t, 'AWS::ApiGatewayV2::Api');
    const permissions = invokePermissions(t);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.sourceArn).toContain(`{"Ref":"${apiId}"},"/authorizers/",{"Ref":"${id}"}`);
  });

  it('refuses rules without a $connect rule, which would refuse every connection', () => {
    const { auth } = authorizerStack();
    expect(() => auth.webSocketAuthorizer()).toThrow(/^rules: has no "\$connect" rule/);
  });
});

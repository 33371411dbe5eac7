import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import { describe, expect, it } from 'vitest';
import {
  authorizerEnv,
  authorizerStack,
  invokePermissions,
  only,
  refOf,
  resourcesOfType,
  templateOf,
} from './support.js';

const backend = () => new apigw.HttpIntegration('https://backend.example.com/messages');

describe('REST API TOKEN authorizer', () => {
  const { stack, auth } = authorizerStack();
  const api = new apigw.RestApi(stack, 'Api');
  const messages = api.root.addResource('messages');
  messages.addMethod('GET', backend(), { authorizer: auth.restApiAuthorizer() });
  messages.addMethod('POST', backend(), { authorizer: auth.restApiAuthorizer() });
  messages.addResource('{id}').addMethod('DELETE', backend(), { authorizer: auth.restApiAuthorizer() });
  const t = templateOf(stack);

  it('is one TOKEN authorizer on the Authorization header with a 300 s cache, shared by every route', () => {
    const [id, props] = only(t, 'AWS::ApiGateway::Authorizer');
    expect(props).toMatchObject({
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
      Name: 'cogauth',
    });
    const methods = resourcesOfType(t, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties ?? {});
    expect(methods).toHaveLength(3);
    for (const m of methods) {
      expect(m.AuthorizationType).toBe('CUSTOM');
      expect(refOf(m.AuthorizerId)).toBe(id);
    }
  });

  it('runs the bundle with the environment the props describe', () => {
    const [poolId] = only(t, 'AWS::Cognito::UserPool');
    const [clientId] = only(t, 'AWS::Cognito::UserPoolClient');
    const env = authorizerEnv(t);
    expect(env).toEqual({
      COGAUTH_USER_POOL_ID: { Ref: poolId },
      COGAUTH_CLIENT_IDS: { Ref: clientId },
      COGAUTH_TOKEN_USE: 'access',
      COGAUTH_RULES: JSON.stringify([
        { route: 'GET /messages' },
        { route: 'POST /messages', groups: ['writers'] },
        { route: 'DELETE /messages/{id}', groups: ['admin'] },
      ]),
      COGAUTH_HTTP_API_RESPONSE: 'iam',
    });
    const [, fn] = only(t, 'AWS::Lambda::Function');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
  });

  it('may be invoked by API Gateway for this authorizer of this API only', () => {
    const [authorizerId] = only(t, 'AWS::ApiGateway::Authorizer');
    const [apiId] = only(t, 'AWS::ApiGateway::RestApi');
    const permissions = invokePermissions(t);
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.principal).toBe('apigateway.amazonaws.com');
    expect(permissions[0]?.sourceArn).toContain(
      `{"Ref":"${apiId}"},"/authorizers/",{"Ref":"${authorizerId}"}`,
    );
  });

  it('lets its role write only its own log group', () => {
    const [, fn] = only(t, 'AWS::Lambda::Function');
    const roleId = (fn.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const role = t.Resources[roleId]?.Properties ?? {};
    expect(role.ManagedPolicyArns).toBeUndefined();
    // No attached policy anywhere (the other role is RestApi's own CloudWatch role).
    expect(resourcesOfType(t, 'AWS::IAM::Policy')).toEqual([]);
    const [logGroupId, logGroup] = only(t, 'AWS::Logs::LogGroup');
    expect(logGroup.RetentionInDays).toBe(14);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'WriteOwnLogs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
            },
          ],
        },
      },
    ]);
    expect(JSON.stringify(role.AssumeRolePolicyDocument)).toContain('lambda.amazonaws.com');
  });
});

describe('REST API REQUEST authorizer', () => {
  it('is a REQUEST authorizer cached on the Authorization header, usable as the API default', () => {
    const { stack, auth } = authorizerStack({ resultsCacheTtl: undefined });
    const api = new apigw.RestApi(stack, 'Api', {
      defaultMethodOptions: { authorizer: auth.restApiAuthorizer({ type: 'request' }) },
    });
    api.root.addResource('messages').addMethod('GET', backend());
    api.root.addResource('me').addMethod('GET', backend());
    const t = templateOf(stack);
    const [id, props] = only(t, 'AWS::ApiGateway::Authorizer');
    expect(props).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    for (const [, m] of resourcesOfType(t, 'AWS::ApiGateway::Method')) {
      expect(m.Properties?.AuthorizationType).toBe('CUSTOM');
      expect(refOf(m.Properties?.AuthorizerId)).toBe(id);
    }
  });

  it('gives a second REST API its own authorizer (an authorizer belongs to one API)', () => {
    const { stack, auth } = authorizerStack();
    const a = new apigw.RestApi(stack, 'A');
    const b = new apigw.RestApi(stack, 'B');
    a.root.addMethod('GET', backend(), { authorizer: auth.restApiAuthorizer() });
    b.root.addMethod('GET', backend(), { authorizer: auth.restApiAuthorizer({ id: 'ForB' }) });
    const t = templateOf(stack);
    expect(resourcesOfType(t, 'AWS::ApiGateway::Authorizer')).toHaveLength(2);
    expect(invokePermissions(t)).toHaveLength(2);
  });
});

describe('REST API authorizers with answerMode per-request', () => {
  it('have no cache (TTL 0), whatever resultsCacheTtl says: a REST cache keys on the token alone', () => {
    const { stack, auth } = authorizerStack({
      answerMode: 'per-request',
      resultsCacheTtl: Duration.seconds(600),
    });
    const api = new apigw.RestApi(stack, 'Api');
    const messages = api.root.addResource('messages');
    messages.addMethod('GET', backend(), { authorizer: auth.restApiAuthorizer() });
    messages.addMethod('POST', backend(), { authorizer: auth.restApiAuthorizer({ type: 'request' }) });
    const t = templateOf(stack);
    const ttls = resourcesOfType(t, 'AWS::ApiGateway::Authorizer').map(([, a]) => [
      a.Properties?.Type,
      a.Properties?.AuthorizerResultTtlInSeconds,
    ]);
    expect(ttls.sort()).toEqual([
      ['REQUEST', 0],
      ['TOKEN', 0],
    ]);
    expect(auth.resultsCacheTtl.toSeconds()).toBe(0);
    expect(authorizerEnv(t).COGAUTH_ANSWER_MODE).toBe('per-request');
  });
});

import type { RouteRule } from '@cogauth/cdk';
import { ConfigError } from '@cogauth/core';
import { SAMPLE_GROUPS } from '@cogauth/sample';
import { App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnTemplate,
  logGroupIdOf,
  logicalIdOf,
  onlyResourceOfType,
  propsOf,
  removeOutdirs,
  resourcesOfType,
  restRoutes,
  sharedRules,
  synthStack,
} from './support/synth.js';

const ROUTE_KEYS = ['GET /messages', 'POST /messages', 'DELETE /messages/{id}', 'GET /me'];
const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

let template: Template;
let json: CfnTemplate;

beforeAll(() => {
  ({ template } = synthStack());
  json = template.toJSON() as CfnTemplate;
});
afterAll(removeOutdirs);

function authorizerFunctionId(t: CfnTemplate): string {
  const [, authorizer] = onlyResourceOfType(t, 'AWS::ApiGateway::Authorizer');
  const uri = JSON.stringify(authorizer.Properties?.AuthorizerUri);
  const fn = resourcesOfType(t, 'AWS::Lambda::Function').find(([id]) => uri.includes(`"${id}"`));
  if (fn === undefined) throw new Error('the REST authorizer does not point at a function of this stack');
  return fn[0];
}

function authorizerEnv(t: CfnTemplate): Record<string, unknown> {
  const env = propsOf(t, authorizerFunctionId(t)).Environment as { Variables: Record<string, unknown> };
  return env.Variables;
}

describe('REST API', () => {
  it('has one TOKEN authorizer on the Authorization header with a 300 s result cache', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('guards every route, and only the sample routes exist', () => {
    const [authorizerId] = onlyResourceOfType(json, 'AWS::ApiGateway::Authorizer');
    const routes = restRoutes(json);
    expect([...routes.keys()].sort()).toEqual([...ROUTE_KEYS].sort());
    for (const [route, method] of routes) {
      expect(method, route).toEqual({ authorizationType: 'CUSTOM', authorizerId });
    }
  });

  it('requires the Authorization header and validates the POST body before the backend runs', () => {
    for (const [, method] of resourcesOfType(json, 'AWS::ApiGateway::Method')) {
      expect(method.Properties?.RequestParameters).toMatchObject({
        'method.request.header.Authorization': true,
      });
      expect(method.Properties?.RequestValidatorId).toBeDefined();
    }
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      ContentType: 'application/json',
      Schema: Match.objectLike({ required: ['text'] }),
    });
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestParameters: true,
      ValidateRequestBody: true,
    });
  });

  it('logs access and errors without request data: no header, so no token, reaches a log', () => {
    const [, stage] = onlyResourceOfType(json, 'AWS::ApiGateway::Stage');
    const props = stage.Properties as {
      AccessLogSetting: { Format: string; DestinationArn: unknown };
      MethodSettings: { DataTraceEnabled: boolean; LoggingLevel: string }[];
    };
    expect(props.AccessLogSetting.Format).not.toMatch(/header|authorization/i);
    expect(props.AccessLogSetting.Format).toContain('$context.requestId');
    expect(props.MethodSettings).toEqual([
      expect.objectContaining({ DataTraceEnabled: false, LoggingLevel: 'ERROR', HttpMethod: '*' }),
    ]);
  });
});

describe('HTTP API', () => {
  it('has one Lambda authorizer answering with IAM policies (payload 2.0) on the token, with a 300 s cache', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: false,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
  });

  it('guards every route, and only the sample routes exist', () => {
    const [authorizerId] = onlyResourceOfType(json, 'AWS::ApiGatewayV2::Authorizer');
    const routes = resourcesOfType(json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties ?? {});
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([...ROUTE_KEYS].sort());
    for (const route of routes) {
      expect(route.AuthorizationType, String(route.RouteKey)).toBe('CUSTOM');
      expect(logicalIdOf(route.AuthorizerId), String(route.RouteKey)).toBe(authorizerId);
    }
  });

  it('logs access on the $default stage without headers', () => {
    const [, stage] = onlyResourceOfType(json, 'AWS::ApiGatewayV2::Stage');
    const props = stage.Properties as { StageName: string; AccessLogSettings: { Format: string } };
    expect(props.StageName).toBe('$default');
    expect(props.AccessLogSettings.Format).not.toMatch(/header|authorization/i);
  });
});

describe('authorizer Lambda', () => {
  it('runs the shared bundle on nodejs22.x arm64 with handler index.handler', () => {
    const fn = json.Resources[authorizerFunctionId(json)];
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 10,
    });
  });

  it('is configured only through COGAUTH_* variables from the pool, the client and the shared rules', () => {
    const env = authorizerEnv(json);
    const [poolId] = onlyResourceOfType(json, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResourceOfType(json, 'AWS::Cognito::UserPoolClient');
    expect(Object.keys(env).sort()).toEqual([
      'COGAUTH_CLIENT_IDS',
      'COGAUTH_HTTP_API_RESPONSE',
      'COGAUTH_RULES',
      'COGAUTH_TOKEN_USE',
      'COGAUTH_USER_POOL_ID',
    ]);
    expect(env.COGAUTH_USER_POOL_ID).toEqual({ Ref: poolId });
    expect(env.COGAUTH_CLIENT_IDS).toEqual({ Ref: clientId });
    expect(env.COGAUTH_TOKEN_USE).toBe('access');
    expect(env.COGAUTH_HTTP_API_RESPONSE).toBe('iam');
    expect(JSON.parse(env.COGAUTH_RULES as string)).toEqual(sharedRules());
  });

  it('logs to its own log group with a retention', () => {
    const logGroupId = logGroupIdOf(propsOf(json, authorizerFunctionId(json)));
    expect(logGroupId).toBeDefined();
    expect(json.Resources[logGroupId as string]?.Properties?.RetentionInDays).toBe(14);
  });

  it('may be invoked by API Gateway only from this stack`s two APIs', () => {
    const id = authorizerFunctionId(json);
    const permissions = resourcesOfType(json, 'AWS::Lambda::Permission').filter(
      ([, p]) => logicalIdOf(p.Properties?.FunctionName) === id,
    );
    expect(permissions.length).toBe(2);
    for (const [, p] of permissions) {
      expect(p.Properties?.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(p.Properties?.SourceArn)).toMatch(/"Ref":"(Rest|Http)Api/);
    }
  });
});

describe('IAM least privilege', () => {
  function rolePolicies(roleId: string): { Effect: string; Action: unknown; Resource: unknown }[] {
    const role = json.Resources[roleId];
    expect(role?.Type).toBe('AWS::IAM::Role');
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
    const inline = (role?.Properties?.Policies as { PolicyDocument: { Statement: [] } }[] | undefined) ?? [];
    const attached = resourcesOfType(json, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
      .map(([, p]) => p.Properties as { PolicyDocument: { Statement: [] } });
    const managed = resourcesOfType(json, 'AWS::IAM::ManagedPolicy').filter(([, p]) =>
      JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`),
    );
    expect(managed).toEqual([]);
    return [...inline, ...attached].flatMap((p) => p.PolicyDocument.Statement);
  }

  it('lets the authorizer role only create streams in and write to its own log group', () => {
    const fn = propsOf(json, authorizerFunctionId(json));
    const roleId = logicalIdOf(fn.Role) as string;
    const logGroupId = logGroupIdOf(fn);
    const statements = rolePolicies(roleId);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      const actions = [statement.Action].flat();
      for (const action of actions) expect(LOG_ACTIONS).toContain(action);
      expect([statement.Resource].flat()).toEqual([{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]);
    }
    expect(JSON.stringify(json.Resources[roleId]?.Properties?.AssumeRolePolicyDocument)).toContain(
      'lambda.amazonaws.com',
    );
  });

  it('gives every function its own role that may only write its own logs', () => {
    const functions = resourcesOfType(json, 'AWS::Lambda::Function');
    expect(functions.length).toBe(5);
    const roles = new Set<string>();
    for (const [id, fn] of functions) {
      const roleId = logicalIdOf(fn.Properties?.Role) as string;
      roles.add(roleId);
      const logGroupId = logGroupIdOf(fn.Properties ?? {});
      for (const statement of rolePolicies(roleId)) {
        expect(
          [statement.Action].flat().every((a) => LOG_ACTIONS.includes(a as string)),
          id,
        ).toBe(true);
        expect([statement.Resource].flat(), id).toEqual([{ 'Fn::GetAtt': [logGroupId, 'Arn'] }]);
      }
    }
    expect(roles.size).toBe(5);
  });
});

describe('user pool', () => {
  it('has the sample groups', () => {
    const groups = resourcesOfType(json, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties?.GroupName,
    );
    expect(groups.sort()).toEqual([...SAMPLE_GROUPS].sort());
  });

  it('has self sign-up off, a strong password policy and email as a sign-in alias', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AliasAttributes: ['email'],
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'ESSENTIALS',
    });
  });

  it('has an app client with SRP and USER_PASSWORD flows and no secret, and no M2M client by default', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 0);
  });
});

describe('outputs', () => {
  it('exports the pool id, client id, both API URLs, the issuer and the JWKS URI', () => {
    const outputs = json.Outputs ?? {};
    expect(Object.keys(outputs).sort()).toEqual(
      ['HttpApiUrl', 'Issuer', 'JwksUri', 'RestApiUrl', 'UserPoolClientId', 'UserPoolId'].sort(),
    );
    const [poolId] = onlyResourceOfType(json, 'AWS::Cognito::UserPool');
    const [clientId] = onlyResourceOfType(json, 'AWS::Cognito::UserPoolClient');
    expect(outputs.UserPoolId?.Value).toEqual({ Ref: poolId });
    expect(outputs.UserPoolClientId?.Value).toEqual({ Ref: clientId });
    const jwks = JSON.stringify(outputs.JwksUri?.Value);
    expect(jwks).toContain('https://cognito-idp.');
    expect(jwks).toContain(`{"Ref":"${poolId}"}`);
    expect(jwks).toContain('/.well-known/jwks.json');
    // The partition's DNS suffix, not a hard-coded amazonaws.com (China is amazonaws.com.cn).
    const issuer = JSON.stringify(outputs.Issuer?.Value);
    for (const part of ['"https://cognito-idp."', '{"Ref":"AWS::Region"}', '{"Ref":"AWS::URLSuffix"}'])
      expect(issuer).toContain(part);
    expect(issuer).not.toContain('amazonaws.com');
    const [stageId, stage] = onlyResourceOfType(json, 'AWS::ApiGateway::Stage');
    expect(stage.Properties?.StageName).toBe('dev');
    expect(JSON.stringify(outputs.RestApiUrl?.Value)).toContain(`{"Ref":"${stageId}"}`);
    expect(JSON.stringify(outputs.HttpApiUrl?.Value)).toContain('execute-api');
  });
});

describe('props', () => {
  it('passes authorizerResultTtlSeconds to both authorizers', () => {
    const { template: t } = synthStack({ authorizerResultTtlSeconds: 0 });
    t.hasResourceProperties('AWS::ApiGateway::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
    t.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });

  it('rejects a TTL API Gateway would refuse, naming the prop', () => {
    for (const ttl of [3601, -1, 1.5]) {
      expect(() => synthStack({ authorizerResultTtlSeconds: ttl })).toThrow(/authorizerResultTtlSeconds/);
    }
  });

  it('fails the synth on bad rules with the ConfigError naming the rule', () => {
    const bad = [{ route: 'GET /messages' }, { route: 'FETCH /x' }];
    expect(() => synthStack({ rules: bad })).toThrow(ConfigError);
    expect(() => synthStack({ rules: bad })).toThrow(/rules\[1\]\.route/);
    const typo = [{ route: 'GET /me', group: ['admin'] }] as unknown as RouteRule[];
    expect(() => synthStack({ rules: typo })).toThrow(/rules\[0\]\.group/);
  });

  it('refuses rules too large for the Lambda environment instead of failing at deploy', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      route: `GET /resource${i}/items`,
      groups: ['admin'],
    }));
    expect(() => synthStack({ rules: many })).toThrow(
      /^rules: the authorizer's environment would be \d+ bytes/,
    );
  });

  it('uses an existing pool: no pool or groups are created and the JWKS URI uses its region', () => {
    const { template: t } = synthStack({ existingUserPoolId: 'eu-west-1_AbC123xyz' });
    const j = t.toJSON() as CfnTemplate;
    t.resourceCountIs('AWS::Cognito::UserPool', 0);
    t.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
    t.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    expect(authorizerEnv(j).COGAUTH_USER_POOL_ID).toBe('eu-west-1_AbC123xyz');
    expect(j.Outputs?.JwksUri?.Value).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/jwks.json',
    );
  });

  it('uses existing app clients of an existing pool without creating one', () => {
    const { template: t } = synthStack({
      existingUserPoolId: 'us-east-2_Zz9',
      existingClientIds: ['client1', 'client2'],
    });
    t.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(authorizerEnv(t.toJSON() as CfnTemplate).COGAUTH_CLIENT_IDS).toBe('client1,client2');
  });

  it('rejects an existing pool id that is not one, and client ids without a pool', () => {
    expect(() => synthStack({ existingUserPoolId: 'my-pool' })).toThrow(/existingUserPoolId/);
    expect(() => synthStack({ existingClientIds: ['x'] })).toThrow(/existingClientIds/);
  });

  it('adds a domain, a resource server and a client_credentials client whose tokens the authorizer accepts', () => {
    const { template: t } = synthStack({ machineClient: { domainPrefix: 'cogauth-test' } });
    const j = t.toJSON() as CfnTemplate;
    t.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'cogauth-test' });
    t.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'cogauth',
      Scopes: [
        { ScopeName: 'messages.read', ScopeDescription: 'Read messages' },
        { ScopeName: 'messages.write', ScopeDescription: 'Write messages' },
      ],
    });
    const clients = resourcesOfType(j, 'AWS::Cognito::UserPoolClient');
    const m2m = clients.find(([, c]) => c.Properties?.GenerateSecret === true);
    expect(m2m?.[1].Properties).toMatchObject({
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
    });
    expect(JSON.stringify(m2m?.[1].Properties?.AllowedOAuthScopes)).toContain('/messages.read');
    const ids = JSON.stringify(authorizerEnv(j).COGAUTH_CLIENT_IDS);
    for (const [id] of clients) expect(ids).toContain(`"${id}"`);
    expect(Object.keys(j.Outputs ?? {})).toEqual(
      expect.arrayContaining(['MachineClientId', 'UserPoolDomainUrl']),
    );
  });

  it('puts the pool on the Plus plan with threat protection when asked', () => {
    const { template: t } = synthStack({
      threatProtection: 'enforced',
      mfa: 'required',
      selfSignUpEnabled: true,
    });
    t.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
    });
  });

  it('has no alarm or dashboard by default, and the five alarms and a dashboard with monitoring', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    const { template: t } = synthStack({ monitoring: true });
    const j = t.toJSON() as CfnTemplate;
    const fnId = authorizerFunctionId(j);
    const alarms = resourcesOfType(j, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties ?? {});
    expect(alarms).toHaveLength(5);
    // Every alarm watches the authorizer function (cogauth's metrics by Authorizer, Lambda's by FunctionName).
    for (const alarm of alarms) {
      const dims = JSON.stringify(alarm.Dimensions ?? alarm.Metrics);
      expect(dims).toContain(`{"Ref":"${fnId}"}`);
      expect(alarm.AlarmActions).toBeUndefined();
    }
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(authorizerEnv(j)).toMatchObject({ COGAUTH_METRICS: 'emf', COGAUTH_METRICS_NAMESPACE: 'Cogauth' });
  });

  it('reads the same props from cdk context, and names a bad context value', async () => {
    const { propsFromContext } = await import('../lib/context-props.js');
    const app = new App({
      context: {
        authorizerTtl: '60',
        domainPrefix: 'x',
        threatProtection: 'audit',
        selfSignUp: 'true',
        monitoring: 'true',
      },
    });
    expect(propsFromContext(app)).toEqual({
      authorizerResultTtlSeconds: 60,
      machineClient: { domainPrefix: 'x' },
      threatProtection: 'audit',
      selfSignUpEnabled: true,
      monitoring: true,
    });
    expect(() => propsFromContext(new App({ context: { monitoring: 'yes' } }))).toThrow(/context monitoring/);
    expect(() => propsFromContext(new App({ context: { threatProtection: 'max' } }))).toThrow(
      /context threatProtection/,
    );
    expect(() => propsFromContext(new App({ context: { authorizerTtl: '5m' } }))).toThrow(
      /context authorizerTtl/,
    );
  });
});

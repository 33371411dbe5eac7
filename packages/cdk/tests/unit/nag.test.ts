import { Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration, WebSocketMockIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { type CogauthMonitoringProps, NAG_REASONS } from '../../src/index.js';
import { authorizerStack, RULES } from './support.js';

function acknowledgements(root: IConstruct): { path: string; id: string; reason: unknown }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((e) => e.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((e) =>
        Object.entries(e.data as Record<string, unknown>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

type Violation = { violatingResources: { constructPath?: string; resourceLogicalId?: string }[] };

/** Construct paths of a finding's resources. */
function where(v: Violation): string[] {
  return v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '');
}

/** A user's stack: the authorizer on a REST API (one unguarded method too), an HTTP API and a WebSocket API. */
function userStack(runtime?: lambda.Runtime, monitoring?: CogauthMonitoringProps) {
  const { app, stack, auth } = authorizerStack({
    rules: [...RULES, { route: '$connect' }],
    ...(runtime === undefined ? {} : { runtime }),
    ...(monitoring === undefined ? {} : { monitoring }),
  });
  const api = new apigw.RestApi(stack, 'Api');
  const integration = new apigw.HttpIntegration('https://backend.example.com');
  api.root.addResource('messages').addMethod('GET', integration, { authorizer: auth.restApiAuthorizer() });
  api.root.addResource('public').addMethod('GET', integration);
  const http = new apigwv2.HttpApi(stack, 'Http', { defaultAuthorizer: auth.httpApiAuthorizer() });
  http.addRoutes({
    path: '/messages',
    integration: new HttpUrlIntegration('B', 'https://backend.example.com'),
  });
  new apigwv2.WebSocketApi(stack, 'Ws', {
    connectRouteOptions: {
      integration: new WebSocketMockIntegration('C'),
      authorizer: auth.webSocketAuthorizer(),
    },
  });
  // Aspects (the COG4 acknowledgement) run during synthesis.
  app.synth();
  const violations = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations;
  return { stack, auth, violations };
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing on the authorizer`s own resources', () => {
    const { auth, violations } = userStack();
    expect(violations.length).toBeGreaterThan(0); // the user's own APIs have findings; ours must not
    const ours = violations.filter((v) => where(v).some((path) => path.startsWith(`${auth.node.path}/`)));
    expect(ours).toEqual([]);
  });

  it('finds nothing on the alarms and dashboard of monitoring, and acknowledges nothing more', () => {
    const topic = sns.Topic.fromTopicArn(new Stack(), 'Alerts', 'arn:aws:sns:us-east-1:123456789012:alerts');
    const { stack, auth, violations } = userStack(undefined, { alarmTopic: topic, routeDimension: true });
    const created = auth.node.findAll().map((c) => c.node.path);
    expect(created.filter((path) => /Monitoring\/.*(Alarm|Dashboard)\/Resource$/.test(path)).length).toBe(6);
    const ours = violations.filter((v) => where(v).some((path) => path.startsWith(`${auth.node.path}/`)));
    expect(ours).toEqual([]);
    expect(
      acknowledgements(stack)
        .map((a) => a.id)
        .sort(),
    ).toEqual(['AwsSolutions-COG4', 'AwsSolutions-L1']);
  });

  it('acknowledges only L1 on the function and COG4 on the methods it guards, each with its reason', () => {
    const { stack, violations } = userStack();
    const acks = acknowledgements(stack);
    expect(acks.map((a) => `${a.path} ${a.id}`).sort()).toEqual([
      'Test/Api/Default/messages/GET/Resource AwsSolutions-COG4',
      'Test/Auth/Function AwsSolutions-L1',
    ]);
    for (const ack of acks) expect(Object.values(NAG_REASONS)).toContain(ack.reason);
    // The method the authorizer does not guard is still reported: the acknowledgement is not API-wide.
    const cog4 = violations.filter((v) => v.ruleName === 'AwsSolutions-COG4').flatMap(where);
    expect(cog4).toContain('Test/Api/Default/public/GET/Resource');
    expect(cog4).not.toContain('Test/Api/Default/messages/GET/Resource');
  });

  it('needs no runtime acknowledgement on the newest Node.js runtime', () => {
    const { stack, violations } = userStack(lambda.Runtime.NODEJS_24_X);
    expect(acknowledgements(stack).map((a) => a.id)).not.toContain('AwsSolutions-L1');
    expect(violations.filter((v) => v.ruleName === 'AwsSolutions-L1')).toEqual([]);
  });
});

// A user's CDK app: its own REST and HTTP APIs, protected with @cogauth/cdk installed from the tarball.

import { CogauthAuthorizer } from '@cogauth/cdk';
import { App, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as sns from 'aws-cdk-lib/aws-sns';

const app = new App();
const stack = new Stack(app, 'ConsumerStack');
const rest = new apigw.RestApi(stack, 'Rest');
const http = new apigwv2.HttpApi(stack, 'Http');
const alerts = new sns.Topic(stack, 'Alerts', { enforceSSL: true });

const auth = new CogauthAuthorizer(stack, 'Auth', {
  userPoolId: 'us-east-1_Consumer1',
  clientIds: ['consumerclient1'],
  rules: [{ route: 'GET /messages' }, { route: 'POST /messages', groups: ['writers'] }],
  monitoring: { alarmTopic: alerts, namePrefix: 'consumer' },
});

const backend = new apigw.HttpIntegration('https://backend.example.com/messages');
const messages = rest.root.addResource('messages');
messages.addMethod('GET', backend, { authorizer: auth.restApiAuthorizer() });
messages.addMethod('POST', backend, { authorizer: auth.restApiAuthorizer() });
http.addRoutes({
  path: '/messages',
  methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST],
  integration: new HttpUrlIntegration('Backend', 'https://backend.example.com/messages'),
  authorizer: auth.httpApiAuthorizer(),
});

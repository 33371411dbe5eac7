import type { Serverless } from './serverless-types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * osls lets API Gateway invoke a WebSocket authorizer with no `SourceArn` (REST and HTTP API permissions
 * have one), so any API in any account could use the function as its authorizer. Scopes that permission to
 * the one authorizer of this service's WebSocket API, as CDK does. Returns whether a permission was found.
 */
export function scopeWebSocketPermission(serverless: Serverless, functionKey: string): boolean {
  const provider = serverless.getProvider('aws');
  const resources = serverless.service.provider.compiledCloudFormationTemplate?.Resources;
  if (!isObj(resources)) return false;
  const permission = resources[provider.naming.getLambdaWebsocketsPermissionLogicalId(functionKey)];
  const authorizerId = provider.naming.getWebsocketsAuthorizerLogicalId(functionKey);
  if (!isObj(permission) || !isObj(permission.Properties) || !isObj(resources[authorizerId])) return false;
  permission.Properties.SourceArn = {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':execute-api:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        ':',
        provider.getApiGatewayWebsocketApiId(),
        '/authorizers/',
        { Ref: authorizerId },
      ],
    ],
  };
  return true;
}

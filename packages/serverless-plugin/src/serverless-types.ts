// The few parts of the Serverless Framework (v3 / osls) plugin API this plugin uses.

export interface ServerlessFunction {
  name?: string;
  handler?: string;
  events?: unknown[];
  [key: string]: unknown;
}

export interface Serverless {
  serviceDir?: string;
  config: { servicePath: string };
  service: {
    service: string;
    custom?: Record<string, unknown>;
    provider: {
      runtime?: string;
      httpApi?: unknown;
      compiledCloudFormationTemplate?: { Resources?: Record<string, unknown> };
      [key: string]: unknown;
    };
    package?: { path?: string };
    /** The service's own `resources:` (merged into the template after the plugin's hooks run). */
    resources?: { Resources?: Record<string, unknown> };
    functions?: Record<string, ServerlessFunction>;
  };
  classes: { Error: new (message: string, code?: string) => Error };
  configSchemaHandler?: { defineCustomProperties?: (schema: object) => void };
  getProvider(name: 'aws'): {
    getStage(): string;
    /** `{Ref: 'WebsocketsApi'}`, or the id of an existing API (`provider.apiGateway.websocketApiId`). */
    getApiGatewayWebsocketApiId(): unknown;
    naming: {
      getLambdaLogicalId(functionName: string): string;
      getNormalizedFunctionName(functionName: string): string;
      getLambdaWebsocketsPermissionLogicalId(functionName: string): string;
      getWebsocketsAuthorizerLogicalId(functionName: string): string;
    };
  };
}

export interface ServerlessOptions {
  package?: string;
  stage?: string;
  [key: string]: unknown;
}

export interface PluginUtils {
  log?: { info?: (message: string) => void; warning?: (message: string) => void };
}

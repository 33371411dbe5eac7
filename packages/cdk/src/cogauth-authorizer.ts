import { ConfigError } from '@cogauth/core';
import { Aspects, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_HANDLER, bundleDir } from './bundle.js';
import { checkDeployedEnvironment, checkWithCore } from './core-check.js';
import { checkSize, lambdaEnvironment } from './environment.js';
import { CogauthHttpAuthorizer } from './http-api.js';
import { addMonitoring } from './monitoring.js';
import type { CogauthMonitoring } from './monitoring-props.js';
import { AcknowledgeCogauthMethods, NAG_REASONS } from './nag.js';
import { addFunctionWithOwnLogs } from './own-logs-function.js';
import type { CogauthAuthorizerProps } from './props.js';
import { type AuthorizerSettings, restTtlSeconds, settingsOf } from './settings.js';

export interface RestApiAuthorizerOptions {
  /**
   * `token`: API Gateway passes the `Authorization` header only. `request`: the whole request (headers,
   * path); both are cached per `Authorization` header, which is safe because the answer is a policy
   * covering every route the caller may use. @default 'token'
   */
  readonly type?: 'token' | 'request';
  /** Construct id; give a new one for each further REST API (an authorizer belongs to one API). */
  readonly id?: string;
}

export interface ApiAuthorizerOptions {
  /** Construct id; give a new one for each further API (an authorizer belongs to one API). */
  readonly id?: string;
}

const MIN_NODE_MAJOR = 22;

function checkRuntime(runtime: lambda.Runtime): lambda.Runtime {
  const major = /^nodejs(\d+)\.x$/.exec(runtime.name)?.[1];
  if (
    runtime.family !== lambda.RuntimeFamily.NODEJS ||
    major === undefined ||
    Number(major) < MIN_NODE_MAJOR
  ) {
    throw new ConfigError(
      'runtime',
      `must be a Node.js runtime ${MIN_NODE_MAJOR} or later, got ${runtime.name}`,
    );
  }
  return runtime;
}

/**
 * The cogauth Cognito JWT authorizer: one Lambda function running `@cogauth/core`'s prebuilt bundle,
 * configured from typed props that are checked when the construct is created (a bad prop fails `cdk synth`
 * with a ConfigError naming it). Attach it to APIs you already have:
 *
 * ```ts
 * api.root.addResource('messages').addMethod('GET', integration, { authorizer: auth.restApiAuthorizer() });
 * httpApi.addRoutes({ path: '/messages', methods: [HttpMethod.GET], integration, authorizer: auth.httpApiAuthorizer() });
 * ```
 */
export class CogauthAuthorizer extends Construct {
  readonly function: lambda.Function;
  /** May only write the function's own log group. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The alarms and dashboard of the `monitoring` prop; undefined without it. */
  readonly monitoring: CogauthMonitoring | undefined;
  /**
   * The REST result cache TTL (0 with `answerMode: 'per-request'`); HTTP APIs use `resultsCacheTtl` unless
   * `httpApiCache` is `'off'` (then 0).
   */
  readonly resultsCacheTtl: Duration;
  private readonly settings: AuthorizerSettings;
  private readonly restAuthorizers = new Map<string, apigw.IAuthorizer & { authorizerId: string }>();
  private readonly httpAuthorizers = new Map<string, apigwv2.IHttpRouteAuthorizer>();
  private readonly webSocketAuthorizers = new Map<string, apigwv2.IWebSocketRouteAuthorizer>();

  constructor(scope: Construct, id: string, props: CogauthAuthorizerProps) {
    super(scope, id);
    const settings = settingsOf(props);
    const runtime = checkRuntime(props.runtime ?? lambda.Runtime.NODEJS_22_X);
    checkSize(settings);
    checkWithCore(settings);
    this.settings = settings;
    this.resultsCacheTtl = Duration.seconds(restTtlSeconds(settings));

    const own = addFunctionWithOwnLogs(this, {
      code: lambda.Code.fromAsset(bundleDir()),
      handler: BUNDLE_HANDLER,
      description: 'cogauth Cognito JWT authorizer',
      runtime,
      architecture: props.architecture,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetention: props.logRetention,
      environment: lambdaEnvironment(settings),
    });
    this.function = own.function;
    this.role = own.role;
    this.logGroup = own.logGroup;
    this.node.addValidation({ validate: () => checkDeployedEnvironment(this.function, settings) });
    this.monitoring =
      settings.monitoring === undefined ? undefined : addMonitoring(this, this.function, settings.monitoring);
    if (runtime.name === lambda.Runtime.NODEJS_22_X.name) {
      Validations.of(this.function).acknowledge({ id: 'AwsSolutions-L1', reason: NAG_REASONS.runtime });
    }
  }

  /** A REST API (v1) authorizer on the `Authorization` header: `{ authorizer: auth.restApiAuthorizer() }`. */
  restApiAuthorizer(options: RestApiAuthorizerOptions = {}): apigw.IAuthorizer {
    const type = options.type ?? 'token';
    if (type !== 'token' && type !== 'request') throw new ConfigError('type', "must be 'token' or 'request'");
    const id = options.id ?? (type === 'token' ? 'RestTokenAuthorizer' : 'RestRequestAuthorizer');
    const existing = this.restAuthorizers.get(id);
    if (existing !== undefined) return existing;
    const common = {
      authorizerName: 'cogauth',
      handler: this.function,
      resultsCacheTtl: this.resultsCacheTtl,
    };
    const authorizer =
      type === 'token'
        ? new apigw.TokenAuthorizer(this, id, {
            ...common,
            identitySource: apigw.IdentitySource.header('Authorization'),
          })
        : new apigw.RequestAuthorizer(this, id, {
            ...common,
            identitySources: [apigw.IdentitySource.header('Authorization')],
          });
    if (this.restAuthorizers.size === 0) {
      const ids = () => [...this.restAuthorizers.values()].map((a) => a.authorizerId);
      Aspects.of(Stack.of(this)).add(new AcknowledgeCogauthMethods(ids));
    }
    this.restAuthorizers.set(id, authorizer);
    return authorizer;
  }

  /**
   * An HTTP API (payload 2.0) authorizer for `addRoutes({ …, authorizer })` or the API's
   * `defaultAuthorizer`: IAM-policy answers on the `Authorization` header by default; see `httpApiResponse`.
   */
  httpApiAuthorizer(options: ApiAuthorizerOptions = {}): apigwv2.IHttpRouteAuthorizer {
    const id = options.id ?? 'HttpApiAuthorizer';
    let authorizer = this.httpAuthorizers.get(id);
    if (authorizer === undefined) {
      authorizer = new CogauthHttpAuthorizer(id, this.function, this.settings);
      this.httpAuthorizers.set(id, authorizer);
    }
    return authorizer;
  }

  /**
   * A WebSocket API `$connect` authorizer on the `Authorization` header, for
   * `connectRouteOptions: { integration, authorizer }`. The rules need a `{ "route": "$connect" }` rule.
   */
  webSocketAuthorizer(options: ApiAuthorizerOptions = {}): apigwv2.IWebSocketRouteAuthorizer {
    if (!this.settings.rules.some((r) => r.route === '$connect')) {
      throw new ConfigError(
        'rules',
        'has no "$connect" rule: the authorizer would refuse every WebSocket connection',
      );
    }
    const id = options.id ?? 'WebSocketAuthorizer';
    let authorizer = this.webSocketAuthorizers.get(id);
    if (authorizer === undefined) {
      authorizer = new WebSocketLambdaAuthorizer(id, this.function, {
        authorizerName: 'cogauth',
        identitySource: ['route.request.header.Authorization'],
      });
      this.webSocketAuthorizers.set(id, authorizer);
    }
    return authorizer;
  }
}

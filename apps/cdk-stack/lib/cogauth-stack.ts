import { CogauthAuthorizer, type RouteRule } from '@cogauth/cdk';
import { issuerFromParts, issuerOf, jwksUriOf } from '@cogauth/core/cognito';
import { SAMPLE_ROUTES } from '@cogauth/sample';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { backendBundleDir } from './assets.js';
import { CogauthHttpApi } from './http-api.js';
import { LoggedFunction } from './logged-function.js';
import { applyNagSuppressions } from './nag-suppressions.js';
import { CogauthRestApi } from './rest-api.js';
import {
  CogauthUserPool,
  type MachineClientOptions,
  type MfaMode,
  type ThreatProtection,
} from './user-pool.js';

export const DEFAULT_AUTHORIZER_TTL_SECONDS = 300;
export const MAX_AUTHORIZER_TTL_SECONDS = 3600;

export interface CogauthStackProps extends StackProps {
  /**
   * The route rules (the sample's: packages/sample/rules.json). `CogauthAuthorizer` checks them
   * at synth time and passes them to the authorizer as `COGAUTH_RULES`.
   */
  readonly rules: readonly RouteRule[];
  /** Use this existing user pool (e.g. `eu-west-1_AbC123`) instead of creating one. No groups are created. */
  readonly existingUserPoolId?: string;
  /** With `existingUserPoolId`: accept tokens of these app clients instead of creating one. */
  readonly existingClientIds?: readonly string[];
  /** @default false */
  readonly selfSignUpEnabled?: boolean;
  /**
   * Cognito threat protection (formerly "advanced security"). `audit` and `enforced` put the pool
   * on the Plus feature plan, billed per monthly active user.
   * @default 'off' (Essentials plan)
   */
  readonly threatProtection?: ThreatProtection;
  /**
   * TOTP MFA. `required` makes every user enrol an authenticator app at first sign-in.
   * @default 'optional'
   */
  readonly mfa?: MfaMode;
  /** Associate this regional WAFv2 web ACL with the REST API stage. @default none */
  readonly webAclArn?: string;
  /** Adds a Cognito domain, a resource server and a client_credentials client. @default none */
  readonly machineClient?: MachineClientOptions;
  /** Which Cognito token the authorizer accepts. @default 'access' */
  readonly tokenUse?: 'access' | 'id' | 'any';
  /** API Gateway authorizer result cache, 0 to 3600 seconds (0 = off). @default 300 */
  readonly authorizerResultTtlSeconds?: number;
  /** @default 'dev' (the Serverless app's default stage) */
  readonly stageName?: string;
  /** Retention of the Lambda and access log groups. @default two weeks (as the Serverless app) */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Create the account-wide CloudWatch role that REST API logging needs. Turn off when the account
   * already has one. @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /** What happens to a created user pool when the stack is deleted. @default RETAIN */
  readonly userPoolRemovalPolicy?: RemovalPolicy;
  /**
   * The authorizer's CloudWatch metrics, five alarms (no actions) and a dashboard, from `@cogauth/cdk`'s
   * `monitoring` with its defaults. Off by default: alarms, dashboards and custom metrics are billed.
   * @default false
   */
  readonly monitoring?: boolean;
}

function checkTtl(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_AUTHORIZER_TTL_SECONDS) {
    throw new Error(
      `authorizerResultTtlSeconds: must be an integer from 0 to ${MAX_AUTHORIZER_TTL_SECONDS}, got ${value}`,
    );
  }
  return value;
}

/**
 * The CDK flavour of cogauth, built from `@cogauth/cdk` as a user would: a user pool, the
 * `CogauthAuthorizer`, and the sample backend behind a REST API (TOKEN authorizer) and an HTTP API
 * (Lambda authorizer answering with IAM policies, the HTTP API default).
 */
export class CogauthStack extends Stack {
  readonly pool: CogauthUserPool;
  readonly authorizer: CogauthAuthorizer;
  readonly backends: ReadonlyMap<string, LoggedFunction>;
  readonly restApi: CogauthRestApi;
  readonly httpApi: CogauthHttpApi;

  constructor(scope: Construct, id: string, props: CogauthStackProps) {
    super(scope, id, props);
    const ttl = checkTtl(props.authorizerResultTtlSeconds ?? DEFAULT_AUTHORIZER_TTL_SECONDS);
    const logRetention = props.logRetention ?? logs.RetentionDays.TWO_WEEKS;
    const threatProtection = props.threatProtection ?? 'off';
    const mfa = props.mfa ?? 'optional';

    this.pool = new CogauthUserPool(this, 'UserPool', {
      ...(props.existingUserPoolId === undefined ? {} : { existingUserPoolId: props.existingUserPoolId }),
      ...(props.existingClientIds === undefined ? {} : { existingClientIds: props.existingClientIds }),
      ...(props.machineClient === undefined ? {} : { machineClient: props.machineClient }),
      selfSignUpEnabled: props.selfSignUpEnabled ?? false,
      threatProtection,
      mfa,
      removalPolicy: props.userPoolRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    const clientIds = [...this.pool.appClientIds];
    if (this.pool.machineClient !== undefined) clientIds.push(this.pool.machineClient.userPoolClientId);

    this.authorizer = new CogauthAuthorizer(this, 'Authorizer', {
      userPool: this.pool.userPool,
      clientIds,
      tokenUse: props.tokenUse ?? 'access',
      rules: props.rules,
      resultsCacheTtl: Duration.seconds(ttl),
      logRetention,
      ...(props.monitoring === true ? { monitoring: {} } : {}),
    });

    const backendCode = lambda.Code.fromAsset(backendBundleDir());
    const backends = new Map<string, LoggedFunction>();
    const routes = SAMPLE_ROUTES.map((route) => {
      const fn = new LoggedFunction(this, `Backend-${route.handler}`, {
        code: backendCode,
        handler: `index.${route.handler}`,
        description: `cogauth sample backend: ${route.method} ${route.path}`,
        logRetention,
      });
      backends.set(route.handler, fn);
      return { route, backend: fn.function };
    });
    this.backends = backends;

    this.restApi = new CogauthRestApi(this, 'Rest', {
      authorizer: this.authorizer.restApiAuthorizer(),
      routes,
      stageName: props.stageName ?? 'dev',
      logRetention,
      cloudWatchRole: props.apiGatewayCloudWatchRole ?? true,
      ...(props.webAclArn === undefined ? {} : { webAclArn: props.webAclArn }),
    });
    this.httpApi = new CogauthHttpApi(this, 'Http', {
      authorizer: this.authorizer.httpApiAuthorizer(),
      routes,
      logRetention,
    });

    const issuer = this.issuer();
    new CfnOutput(this, 'UserPoolId', { value: this.pool.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.pool.appClientIds.join(','),
      description: 'App client for `cogauth login` (SRP / USER_PASSWORD_AUTH, no secret)',
    });
    new CfnOutput(this, 'RestApiUrl', { value: this.restApi.api.url });
    new CfnOutput(this, 'HttpApiUrl', { value: this.httpApi.stage.url });
    new CfnOutput(this, 'Issuer', { value: issuer });
    new CfnOutput(this, 'JwksUri', { value: jwksUriOf(issuer) });
    if (this.pool.machineClient !== undefined && this.pool.domain !== undefined) {
      new CfnOutput(this, 'MachineClientId', { value: this.pool.machineClient.userPoolClientId });
      new CfnOutput(this, 'UserPoolDomainUrl', {
        value: this.pool.domain.baseUrl(),
        description: 'For `cogauth m2m --domain`; the token endpoint is <url>/oauth2/token',
      });
    }

    applyNagSuppressions({
      functions: [...backends.values()],
      restCloudWatchRole: this.restApi.api.node.tryFindChild('CloudWatchRole'),
      poolWithoutPlusPlan: threatProtection === 'off' ? this.pool.createdPool : undefined,
      poolWithOptionalMfa: mfa === 'optional' ? this.pool.createdPool : undefined,
      restStageWithoutWaf: props.webAclArn === undefined ? this.restApi.api.deploymentStage : undefined,
    });
  }
  /**
   * The pool's issuer: from the id of an imported pool, else from the pool created here, whose id, region
   * and partition are known only at deploy time (CloudFormation's AWS::Region and AWS::URLSuffix).
   */
  private issuer(): string {
    const id = this.pool.userPool.userPoolId;
    if (this.pool.createdPool === undefined) {
      const issuer = issuerOf(id);
      if (issuer === undefined) throw new Error(`existingUserPoolId: no issuer for "${id}"`);
      return issuer;
    }
    return issuerFromParts({ region: this.region, dnsSuffix: this.urlSuffix, userPoolId: id });
  }
}

import type { LogLevel, PoolAllowEntry, RouteRule } from '@cogauth/core';
import type { Duration } from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { CogauthCedar } from './cedar.js';
import type { CogauthJwks } from './jwks.js';
import type { CogauthMonitoringProps } from './monitoring-props.js';

/** Which Cognito token the authorizer accepts; `any` accepts access and ID tokens. */
export type TokenUse = 'access' | 'id' | 'any';

/**
 * How the authorizer answers HTTP API (payload 2.0) requests.
 * - `iam` (default): an IAM policy listing every route the caller may use, like REST. Safe to cache for any
 *   route shape (`$default`, `ANY /x`, `/{proxy+}`).
 * - `simple`: `{ isAuthorized }` for the current route only. API Gateway caches it per token and route key,
 *   so the authorizer refuses (403) route keys whose answer could differ between the requests they cover,
 *   unless `httpApiCache` is `'off'`.
 */
export type HttpApiResponse = 'iam' | 'simple';

export interface CogauthAuthorizerProps {
  /** The user pool whose tokens are accepted. Give this, `userPoolId` or `allowPools`. */
  readonly userPool?: cognito.IUserPool;
  /** An existing pool by id (`us-east-1_AbC123`, or a CloudFormation token). Give this, `userPool` or `allowPools`. */
  readonly userPoolId?: string;
  /**
   * Pools chosen at run time, in place of `userPool`/`userPoolId` and the app client props (one user pool
   * per tenant): `@cogauth/core`'s `allowPools` entries (`COGAUTH_POOL_ALLOWLIST`), such as
   * `[{ regions: ['eu-west-1'], tokenUse: 'access', clientId: [...] }]`. Each entry narrows by
   * `userPoolIds` or `clientId`, or says `anyAccount: true`; checked at synth, a bad entry throws a
   * ConfigError naming it (`allowPools[0]`). Literal values only (no CloudFormation tokens, no `customCheck`).
   */
  readonly allowPools?: readonly PoolAllowEntry[];
  /** With `allowPools`: how many pools keep their key sets in memory, 1–10,000 (`COGAUTH_MAX_POOLS`). @default 100 */
  readonly maxPools?: number;
  /**
   * With `allowPools`: the most JWKS downloads per 10 s, whatever the tokens name, 1–10,000
   * (`COGAUTH_MAX_POOL_FETCHES`). @default 100
   */
  readonly maxPoolFetches?: number;
  /** App clients whose tokens are accepted (`client_id` / `aud`). At least one client in all. */
  readonly userPoolClients?: readonly cognito.IUserPoolClient[];
  /** App client ids (literal or CloudFormation tokens), added to `userPoolClients`. */
  readonly clientIds?: readonly string[];
  /** With a pool (`allowPools` entries give their own). @default 'access' */
  readonly tokenUse?: TokenUse;
  /**
   * Who may call which route: `{ route: 'GET /messages/{id}', groups?: [...], scopes?: [...] }`, or
   * `{ route: '$connect' }` for WebSocket APIs. Checked with `@cogauth/core` when the construct is created;
   * a bad rule throws a ConfigError naming it (`rules[2].route`). Give this or `cedar`.
   */
  readonly rules?: readonly RouteRule[];
  /**
   * Cedar policies in place of `rules` (`CogauthCedar.fromFiles({ policies, schema })`, with
   * `@cogauth/cedar` installed): validated at synth, shipped in the function. Policies that read the request
   * (path or query string parameters) need the result cache off: `resultsCacheTtl` defaults to 0 then, and
   * anything else is refused.
   */
  readonly cedar?: CogauthCedar;
  /**
   * API Gateway result cache for REST and HTTP API authorizers, 0 (off) to 3600 s.
   * @default 300 s (0 with Cedar policies that read the request)
   */
  readonly resultsCacheTtl?: Duration;
  /** @default 'iam' */
  readonly httpApiResponse?: HttpApiResponse;
  /**
   * `'off'` turns the HTTP API authorizer cache off (TTL 0) and tells the authorizer so; only then may
   * `simple` responses serve coarse route keys such as `$default`, `ANY /x` or `/{proxy+}`. @default 'on'
   */
  readonly httpApiCache?: 'on' | 'off';
  /**
   * `'all-routes'`: REST and HTTP API IAM answers list every route the caller may use, cached by token.
   * `'per-request'`: each answer holds the part of that policy its request needs, for rule sets whose whole
   * answer could pass API Gateway's 8 KB (the construct refuses those at synth otherwise, naming `rules`):
   * REST authorizers then get no cache (TTL 0), HTTP API authorizers a cache keyed by token and route key
   * (`httpApiCache: 'off'`: TTL 0). @default 'all-routes'
   */
  readonly answerMode?: 'all-routes' | 'per-request';
  /** Embed the pool's JWKS at synth time (no JWKS download at cold start). @default fetched at runtime */
  readonly jwks?: CogauthJwks;
  /** @default two weeks */
  readonly logRetention?: logs.RetentionDays;
  /** @default ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** A Node.js runtime, 22 or later (the bundle targets Node 22). @default NODEJS_22_X */
  readonly runtime?: lambda.Runtime;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /**
   * Opt in to CloudWatch metrics (EMF, `COGAUTH_METRICS=emf`), alarms and a dashboard; alarm actions go
   * to `alarmTopic` only. Alarms, dashboards and custom metrics are billed: see the README. @default off
   */
  readonly monitoring?: CogauthMonitoringProps;
  /** `'refusals'`: log refusals only (`COGAUTH_LOG_LEVEL`). Refusals are always logged. @default 'all' */
  readonly logLevel?: LogLevel;
  /** Share of allowed decisions logged, 0–1 (`COGAUTH_LOG_ALLOWED_SAMPLE_RATE`). @default 1 */
  readonly logAllowedSampleRate?: number;
}

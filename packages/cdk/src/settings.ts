import { ConfigError, type ConfigPath, type RouteRule } from '@cogauth/core';
import { isAwsUserPoolId, isClientId } from '@cogauth/core/cognito';
import { parseRules } from '@cogauth/core/rules';
import { Duration, Token } from 'aws-cdk-lib';
import {
  type MonitoringSettings,
  monitoringOf,
  type ObservabilitySettings,
  observabilityOf,
} from './monitoring-settings.js';
import type { CogauthAuthorizerProps, HttpApiResponse, TokenUse } from './props.js';

export const DEFAULT_TTL_SECONDS = 300;
export const MAX_TTL_SECONDS = 3600;

const TOKEN_USES: readonly string[] = ['access', 'id', 'any'];

/** A value that is either known at synth time or a CloudFormation token resolved at deploy time. */
export interface MaybeToken {
  readonly value: string;
  readonly isToken: boolean;
}

/** The validated configuration the Lambda environment is built from. */
export interface AuthorizerSettings {
  readonly userPoolId: MaybeToken;
  /** The prop the pool came from, for error messages. */
  readonly poolField: 'userPool' | 'userPoolId';
  readonly clientIds: readonly MaybeToken[];
  readonly tokenUse: TokenUse;
  readonly rules: readonly RouteRule[];
  readonly ttlSeconds: number;
  readonly httpApiResponse: HttpApiResponse;
  readonly httpApiCacheOff: boolean;
  readonly answerMode: 'all-routes' | 'per-request';
  readonly jwks: string | undefined;
  readonly monitoring: MonitoringSettings | undefined;
  /** COGAUTH_METRICS* (on with `monitoring`) and COGAUTH_LOG_*. */
  readonly observability: ObservabilitySettings;
}

function maybeToken(value: string): MaybeToken {
  return { value, isToken: Token.isUnresolved(value) };
}

function pool(props: CogauthAuthorizerProps): Pick<AuthorizerSettings, 'userPoolId' | 'poolField'> {
  if (props.userPool !== undefined && props.userPoolId !== undefined) {
    throw new ConfigError('userPoolId', 'give userPool or userPoolId, not both');
  }
  const poolField = props.userPool !== undefined ? 'userPool' : 'userPoolId';
  const id = props.userPool?.userPoolId ?? props.userPoolId;
  if (id === undefined) throw new ConfigError('userPool', 'is required (or give userPoolId)');
  if (typeof id !== 'string') throw new ConfigError(poolField, 'must be a user pool id string');
  const userPoolId = maybeToken(id);
  if (!userPoolId.isToken && !isAwsUserPoolId(id)) {
    throw new ConfigError(poolField, `${JSON.stringify(id)} is not a user pool id like us-east-1_AbC123`);
  }
  return { userPoolId, poolField };
}

function clients(props: CogauthAuthorizerProps): MaybeToken[] {
  const ids: { field: ConfigPath; id: unknown }[] = [
    ...(props.userPoolClients ?? []).map((c, i) => ({
      field: ['userPoolClients', i],
      id: c.userPoolClientId,
    })),
    ...(props.clientIds ?? []).map((id, i) => ({ field: ['clientIds', i], id })),
  ];
  if (ids.length === 0) {
    throw new ConfigError('clientIds', 'name at least one app client (userPoolClients or clientIds)');
  }
  const seen = new Set<string>();
  const result: MaybeToken[] = [];
  for (const { field, id } of ids) {
    if (typeof id !== 'string') throw new ConfigError(field, 'must be an app client id string');
    const client = maybeToken(id);
    if (!client.isToken && !isClientId(id)) {
      throw new ConfigError(
        field,
        `${JSON.stringify(id)} is not an app client id (1–128 letters, digits, _ or +)`,
      );
    }
    if (seen.has(id)) continue;
    seen.add(id);
    result.push(client);
  }
  return result;
}

function rules(value: unknown): readonly RouteRule[] {
  if (Token.isUnresolved(JSON.stringify(value ?? null))) {
    throw new ConfigError('rules', 'must be known at synth time: no CloudFormation tokens in rules');
  }
  // parseRules throws a ConfigError naming the bad rule, e.g. `rules[2].route`.
  return parseRules(value);
}

function ttl(value: Duration | undefined): number {
  if (value === undefined) return DEFAULT_TTL_SECONDS;
  if (!(value instanceof Duration)) throw new ConfigError('resultsCacheTtl', 'must be a Duration');
  let seconds: number;
  try {
    seconds = value.toSeconds();
  } catch {
    throw new ConfigError('resultsCacheTtl', 'must be whole seconds known at synth time');
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_TTL_SECONDS) {
    throw new ConfigError(
      'resultsCacheTtl',
      `must be whole seconds from 0 to ${MAX_TTL_SECONDS} (API Gateway's range), got ${seconds}`,
    );
  }
  return seconds;
}

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/** Checks every prop the Lambda environment depends on; a ConfigError names the first bad one. */
/** The REST authorizers' cache TTL: none for per-request answers, which a REST cache keys by token only. */
export function restTtlSeconds(s: AuthorizerSettings): number {
  return s.answerMode === 'per-request' ? 0 : s.ttlSeconds;
}

export function settingsOf(props: CogauthAuthorizerProps): AuthorizerSettings {
  if (typeof props !== 'object' || props === null) throw new ConfigError('props', 'are required');
  const tokenUse = oneOf('tokenUse', props.tokenUse, TOKEN_USES as TokenUse[], 'access');
  const monitoring = monitoringOf(props.monitoring);
  return {
    ...pool(props),
    clientIds: clients(props),
    tokenUse,
    rules: rules(props.rules),
    ttlSeconds: ttl(props.resultsCacheTtl),
    httpApiResponse: oneOf('httpApiResponse', props.httpApiResponse, ['iam', 'simple'], 'iam'),
    httpApiCacheOff: oneOf('httpApiCache', props.httpApiCache, ['on', 'off'], 'on') === 'off',
    answerMode: oneOf('answerMode', props.answerMode, ['all-routes', 'per-request'], 'all-routes'),
    jwks: props.jwks?.json,
    monitoring,
    observability: observabilityOf(props, monitoring),
  };
}

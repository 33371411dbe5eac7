import { ConfigError, type RouteRule } from '@cogauth/core';
import { parseRules } from '@cogauth/core/rules';
import { Duration, Token } from 'aws-cdk-lib';
import { CogauthCedar } from './cedar.js';
import {
  type MonitoringSettings,
  monitoringOf,
  type ObservabilitySettings,
  observabilityOf,
} from './monitoring-settings.js';
import { type PoolChoice, poolsOf } from './pools.js';
import type { CogauthAuthorizerProps, HttpApiResponse, TokenUse } from './props.js';

export type { MaybeToken } from './pools.js';

export const DEFAULT_TTL_SECONDS = 300;
export const MAX_TTL_SECONDS = 3600;

const TOKEN_USES: readonly string[] = ['access', 'id', 'any'];

/** The validated configuration the Lambda environment is built from. */
export interface AuthorizerSettings {
  /** One pool with its app clients, or pools chosen at run time (`allowPools`). */
  readonly pools: PoolChoice;
  readonly tokenUse: TokenUse;
  /** The rules, or none when Cedar policies decide (`cedar`). */
  readonly rules: readonly RouteRule[];
  readonly cedar: CogauthCedar | undefined;
  readonly ttlSeconds: number;
  readonly httpApiResponse: HttpApiResponse;
  readonly httpApiCacheOff: boolean;
  readonly answerMode: 'all-routes' | 'per-request';
  readonly jwks: string | undefined;
  readonly monitoring: MonitoringSettings | undefined;
  /** COGAUTH_METRICS* (on with `monitoring`) and COGAUTH_LOG_*. */
  readonly observability: ObservabilitySettings;
}

function rules(value: unknown): readonly RouteRule[] {
  if (Token.isUnresolved(JSON.stringify(value ?? null))) {
    throw new ConfigError('rules', 'must be known at synth time: no CloudFormation tokens in rules');
  }
  // parseRules throws a ConfigError naming the bad rule, e.g. `rules[2].route`.
  return parseRules(value);
}

/**
 * Exactly one of `rules` and `cedar`. Cedar policies that read the request are decided per request, so API
 * Gateway must not cache their answers: the TTL is 0, and any other is refused.
 */
function access(props: CogauthAuthorizerProps): Pick<AuthorizerSettings, 'rules' | 'cedar' | 'ttlSeconds'> {
  if (props.cedar === undefined)
    return { rules: rules(props.rules), cedar: undefined, ttlSeconds: ttl(props.resultsCacheTtl) };
  if (!(props.cedar instanceof CogauthCedar))
    throw new ConfigError('cedar', 'must be CogauthCedar.fromFiles({ policies, schema })');
  if (props.rules !== undefined) throw new ConfigError('rules', 'give rules or cedar, not both');
  const perRequest = props.cedar.perRequestRoutes;
  if (perRequest.length === 0)
    return { rules: [], cedar: props.cedar, ttlSeconds: ttl(props.resultsCacheTtl) };
  const seconds = props.resultsCacheTtl === undefined ? 0 : ttl(props.resultsCacheTtl);
  if (seconds !== 0)
    throw new ConfigError(
      'resultsCacheTtl',
      `must be 0 with these Cedar policies: they read the request for ${perRequest.join(', ')}, and API Gateway ` +
        `would serve one request's answer to others (an answer cached by token cannot hold for every query string or path)`,
    );
  return { rules: [], cedar: props.cedar, ttlSeconds: 0 };
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
    pools: poolsOf(props),
    tokenUse,
    ...access(props),
    httpApiResponse: oneOf('httpApiResponse', props.httpApiResponse, ['iam', 'simple'], 'iam'),
    httpApiCacheOff: oneOf('httpApiCache', props.httpApiCache, ['on', 'off'], 'on') === 'off',
    answerMode: oneOf('answerMode', props.answerMode, ['all-routes', 'per-request'], 'all-routes'),
    jwks: props.jwks?.json,
    monitoring,
    observability: observabilityOf(props, monitoring),
  };
}

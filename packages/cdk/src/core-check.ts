import { ConfigError, type ConfigPath } from '@cogauth/core';
import { readEnvironment } from '@cogauth/core/lambda';
import { type IResolvable, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { environmentWith } from './environment.js';
import type { AuthorizerSettings } from './settings.js';

/** Each variable the construct sets, with the prop it comes from, so a refusal names what the user wrote. */
const PROP_OF: Readonly<Record<string, string | ConfigPath>> = {
  COGAUTH_USER_POOL_ID: 'userPoolId',
  COGAUTH_CLIENT_IDS: 'clientIds',
  COGAUTH_POOL_ALLOWLIST: 'allowPools',
  COGAUTH_MAX_POOLS: 'maxPools',
  COGAUTH_MAX_POOL_FETCHES: 'maxPoolFetches',
  COGAUTH_TOKEN_USE: 'tokenUse',
  COGAUTH_RULES: 'rules',
  COGAUTH_HTTP_API_RESPONSE: 'httpApiResponse',
  COGAUTH_HTTP_API_CACHE: 'httpApiCache',
  COGAUTH_REST_API_CACHE: 'resultsCacheTtl',
  COGAUTH_ANSWER_MODE: 'answerMode',
  COGAUTH_JWKS: 'jwks',
  COGAUTH_METRICS: 'monitoring',
  // Named as monitoring-settings.ts names its members: one dotted segment.
  COGAUTH_METRICS_NAMESPACE: 'monitoring.namespace',
  COGAUTH_METRICS_ROUTE_DIMENSION: 'monitoring.routeDimension',
  COGAUTH_LOG_LEVEL: 'logLevel',
  COGAUTH_LOG_ALLOWED_SAMPLE_RATE: 'logAllowedSampleRate',
};

// Stand-ins for CloudFormation tokens, which have no value until deploy: well-formed, so core checks
// everything around them.
const POOL_PLACEHOLDER = 'us-east-1_CogauthSynthPlaceholder';
const clientPlaceholder = (i: number): string => `cogauthsynthplaceholder${i}`;

function placeholderEnvironment(s: AuthorizerSettings): Record<string, string> {
  return environmentWith(s, (t, kind, i) =>
    t.isToken ? (kind === 'pool' ? POOL_PLACEHOLDER : clientPlaceholder(i)) : t.value,
  );
}

/** Core's path `['COGAUTH_RULES', 1, 'route']` → the prop's `['rules', 1, 'route']`, with the same detail. */
function renamed(err: ConfigError, s: AuthorizerSettings): ConfigError {
  const prop = PROP_OF[err.field];
  if (prop === undefined) return new ConfigError('props', `the authorizer would refuse them: ${err.message}`);
  const poolField = s.pools.kind === 'listed' ? s.pools.poolField : 'userPoolId';
  const place = prop === 'userPoolId' ? [poolField] : typeof prop === 'string' ? [prop] : prop;
  return new ConfigError([...place, ...err.path.slice(1)], err.detail);
}

/**
 * Reads, with `@cogauth/core`'s own `readEnvironment`, exactly the environment the
 * function gets (tokens replaced by placeholders that pass the checks a deployed value would pass):
 * whatever the function would refuse at cold start fails the synth, naming the prop.
 */
export function checkWithCore(s: AuthorizerSettings): void {
  const env = placeholderEnvironment(s);
  try {
    // Only the function's variables: whatever COGAUTH_* the synth shell has must not hide a problem.
    readEnvironment(env, s.cedar?.engine);
  } catch (err) {
    if (err instanceof ConfigError) throw renamed(err, s);
    throw err;
  }
}

/**
 * For `cdk synth` (a construct validation): the function's environment as it will deploy, with what was
 * added or changed through `auth.function.addEnvironment` (`COGAUTH_ISSUER`, `COGAUTH_JWKS_URI`, …), checked
 * with `readEnvironment` like the props are. Returns the errors; none when nothing was added.
 */
export function checkDeployedEnvironment(fn: lambda.Function, s: AuthorizerSettings): string[] {
  const cfn = fn.node.defaultChild as lambda.CfnFunction;
  const resolved = Stack.of(fn).resolve(cfn.environment as IResolvable | undefined) as
    | { variables?: Record<string, unknown> }
    | undefined;
  const own = placeholderEnvironment(s);
  const built = environmentWith(s, (t) => t.value);
  // Values the construct set (tokens resolve to objects) keep their placeholders; only added strings count.
  const added = Object.entries(resolved?.variables ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== built[entry[0]],
  );
  if (added.length === 0) return [];
  try {
    readEnvironment({ ...own, ...Object.fromEntries(added) }, s.cedar?.engine);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return [`the authorizer would refuse its environment at cold start: ${err.message}`];
  }
}

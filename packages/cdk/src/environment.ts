import { ConfigError } from '@cogauth/core';
import { type EnvironmentSettings, writeEnvironment } from '@cogauth/core/lambda';
import type { AuthorizerSettings, MaybeToken } from './settings.js';

/** Lambda's limit for all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** The longest ids CloudFormation can resolve a token to (Cognito API limits), for the size check. */
const MAX_POOL_ID_LENGTH = 55;
const MAX_CLIENT_ID_LENGTH = 128;

/** The value a pool or client id (maybe a CloudFormation token) takes in the built environment. */
export type Substitute = (token: MaybeToken, kind: 'pool' | 'client', index: number) => string;

/** The verifier part of core's settings: the one pool's options, or the allow-list and its limits. */
function verifierOf(
  s: AuthorizerSettings,
  substitute: Substitute,
): Pick<EnvironmentSettings, 'verifier' | 'verifierSettings'> {
  const p = s.pools;
  if (p.kind === 'allowPools') {
    const limits = {
      ...(p.maxPools === undefined ? {} : { maxPools: p.maxPools }),
      ...(p.maxPoolFetches === undefined ? {} : { maxPoolFetches: p.maxPoolFetches }),
    };
    return { verifier: { allowPools: [...p.allowPools] }, verifierSettings: limits };
  }
  return {
    verifier: {
      userPoolId: substitute(p.userPoolId, 'pool', 0),
      clientId: p.clientIds.map((c, i) => substitute(c, 'client', i)),
      tokenUse: s.tokenUse === 'any' ? null : s.tokenUse,
      ...(s.jwks === undefined ? {} : { jwks: JSON.parse(s.jwks) }),
    },
  };
}

/** The COGAUTH_* variables of the function (core's `writeEnvironment`), each id as `substitute` renders it. */
export function environmentWith(s: AuthorizerSettings, substitute: Substitute): Record<string, string> {
  // With Cedar, a TTL of 0 is stated to the authorizer: it may then answer per-request routes.
  const cacheOff = s.cedar !== undefined && s.ttlSeconds === 0;
  const core = writeEnvironment({
    ...verifierOf(s, substitute),
    ...(s.cedar === undefined ? { rules: s.rules } : {}),
    httpApiResponse: s.httpApiResponse,
    httpApiCache: s.httpApiCacheOff || cacheOff ? 'off' : 'on',
    ...(cacheOff ? { restApiCache: 'off' as const } : {}),
    answerMode: s.answerMode,
    ...s.observability,
  });
  return s.cedar === undefined ? core : { ...core, ...s.cedar.environment() };
}

/** The function's environment, CloudFormation tokens included. */
export function lambdaEnvironment(s: AuthorizerSettings): Record<string, string> {
  return environmentWith(s, (t) => t.value);
}

/** Size as Lambda counts it, with every token at the longest value it can resolve to. */
export function worstCaseBytes(s: AuthorizerSettings): number {
  const env = environmentWith(s, (t, kind) =>
    t.isToken ? 'x'.repeat(kind === 'pool' ? MAX_POOL_ID_LENGTH : MAX_CLIENT_ID_LENGTH) : t.value,
  );
  return Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

export function checkSize(s: AuthorizerSettings): void {
  const bytes = worstCaseBytes(s);
  if (bytes <= LAMBDA_ENVIRONMENT_MAX_BYTES) return;
  const parts = {
    rules: Buffer.byteLength(JSON.stringify(s.rules)),
    jwks: s.jwks === undefined ? 0 : Buffer.byteLength(s.jwks),
    allowPools: s.pools.kind === 'allowPools' ? Buffer.byteLength(JSON.stringify(s.pools.allowPools)) : 0,
  };
  const field = (Object.keys(parts) as (keyof typeof parts)[]).reduce((a, b) =>
    parts[b] > parts[a] ? b : a,
  );
  const sizes = Object.entries(parts)
    .filter(([name, n]) => n > 0 || name !== 'allowPools')
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  throw new ConfigError(
    field,
    `the authorizer's environment would be ${bytes} bytes (${sizes}), over Lambda's ` +
      `${LAMBDA_ENVIRONMENT_MAX_BYTES}-byte limit for all variables: shorten the rules or the allow-list, or drop the embedded JWKS`,
  );
}

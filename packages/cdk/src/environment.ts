import { ConfigError } from '@cogauth/core';
import { observabilityEnvironment } from './observability-env.js';
import type { AuthorizerSettings, MaybeToken } from './settings.js';

/** Lambda's limit for all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** The longest ids CloudFormation can resolve a token to (Cognito API limits), for the size check. */
const MAX_POOL_ID_LENGTH = 55;
const MAX_CLIENT_ID_LENGTH = 128;

/** The value a pool or client id (maybe a CloudFormation token) takes in the built environment. */
export type Substitute = (token: MaybeToken, kind: 'pool' | 'client', index: number) => string;

/** The COGAUTH_* variables of the function, each id as `substitute` renders it. */
export function environmentWith(s: AuthorizerSettings, substitute: Substitute): Record<string, string> {
  const env: Record<string, string> = {
    COGAUTH_USER_POOL_ID: substitute(s.userPoolId, 'pool', 0),
    COGAUTH_CLIENT_IDS: s.clientIds.map((c, i) => substitute(c, 'client', i)).join(','),
    COGAUTH_TOKEN_USE: s.tokenUse,
    COGAUTH_RULES: JSON.stringify(s.rules),
    COGAUTH_HTTP_API_RESPONSE: s.httpApiResponse,
  };
  if (s.httpApiCacheOff) env.COGAUTH_HTTP_API_CACHE = 'off';
  if (s.jwks !== undefined) env.COGAUTH_JWKS = s.jwks;
  return { ...env, ...observabilityEnvironment(s.observability) };
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
  const rules = Buffer.byteLength(JSON.stringify(s.rules));
  const jwks = s.jwks === undefined ? 0 : Buffer.byteLength(s.jwks);
  const field = jwks > rules ? 'jwks' : 'rules';
  throw new ConfigError(
    field,
    `the authorizer's environment would be ${bytes} bytes (rules ${rules}, jwks ${jwks}), over Lambda's ` +
      `${LAMBDA_ENVIRONMENT_MAX_BYTES}-byte limit for all variables: shorten the rules or drop the embedded JWKS`,
  );
}

import { ConfigError } from '@cogauth/core';
import { writeEnvironment } from '@cogauth/core/lambda';
import type { AuthorizerSettings, MaybeToken } from './settings.js';

/** Lambda's limit for all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** The longest ids CloudFormation can resolve a token to (Cognito API limits), for the size check. */
const MAX_POOL_ID_LENGTH = 55;
const MAX_CLIENT_ID_LENGTH = 128;

/** The value a pool or client id (maybe a CloudFormation token) takes in the built environment. */
export type Substitute = (token: MaybeToken, kind: 'pool' | 'client', index: number) => string;

/** The COGAUTH_* variables of the function (core's `writeEnvironment`), each id as `substitute` renders it. */
export function environmentWith(s: AuthorizerSettings, substitute: Substitute): Record<string, string> {
  return writeEnvironment({
    verifier: {
      userPoolId: substitute(s.userPoolId, 'pool', 0),
      clientId: s.clientIds.map((c, i) => substitute(c, 'client', i)),
      tokenUse: s.tokenUse === 'any' ? null : s.tokenUse,
      ...(s.jwks === undefined ? {} : { jwks: JSON.parse(s.jwks) }),
    },
    rules: s.rules,
    httpApiResponse: s.httpApiResponse,
    httpApiCache: s.httpApiCacheOff ? 'off' : 'on',
    answerMode: s.answerMode,
    ...s.observability,
  });
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

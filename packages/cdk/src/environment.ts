import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@cogauth/core';
import type { AuthorizerSettings, MaybeToken } from './settings.js';

/** Lambda's limit for all environment variables of a function together. */
export const LAMBDA_ENVIRONMENT_MAX_BYTES = 4096;
/** The longest ids CloudFormation can resolve a token to (Cognito API limits), for the size check. */
const MAX_POOL_ID_LENGTH = 55;
const MAX_CLIENT_ID_LENGTH = 128;

/** Which prop each variable comes from, so a refusal by the bundle names what the user wrote. */
const PROP_OF: Readonly<Record<string, string>> = {
  COGAUTH_USER_POOL_ID: 'userPoolId',
  COGAUTH_CLIENT_IDS: 'clientIds',
  COGAUTH_TOKEN_USE: 'tokenUse',
  COGAUTH_RULES: 'rules',
  COGAUTH_HTTP_API_RESPONSE: 'httpApiResponse',
  COGAUTH_HTTP_API_CACHE: 'httpApiCache',
  COGAUTH_JWKS: 'jwks',
};

type Substitute = (token: MaybeToken, kind: 'pool' | 'client', index: number) => string;

function build(s: AuthorizerSettings, substitute: Substitute): Record<string, string> {
  const env: Record<string, string> = {
    COGAUTH_USER_POOL_ID: substitute(s.userPoolId, 'pool', 0),
    COGAUTH_CLIENT_IDS: s.clientIds.map((c, i) => substitute(c, 'client', i)).join(','),
    COGAUTH_TOKEN_USE: s.tokenUse,
    COGAUTH_RULES: JSON.stringify(s.rules),
    COGAUTH_HTTP_API_RESPONSE: s.httpApiResponse,
  };
  if (s.httpApiCacheOff) env.COGAUTH_HTTP_API_CACHE = 'off';
  if (s.jwks !== undefined) env.COGAUTH_JWKS = s.jwks;
  return env;
}

/** The function's environment, CloudFormation tokens included. */
export function lambdaEnvironment(s: AuthorizerSettings): Record<string, string> {
  return build(s, (t) => t.value);
}

/** Size as Lambda counts it, with every token at the longest value it can resolve to. */
export function worstCaseBytes(s: AuthorizerSettings): number {
  const env = build(s, (t, kind) =>
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

/** Environments the bundle accepted in this process: the answer depends only on the bundle and them. */
const accepted = new Set<string>();

// Imports the bundle the way Lambda does; its module scope builds the handler from the environment and
// throws the ConfigError a deployed function would throw at init.
const PROBE = `
try { await import(process.argv[1]); }
catch (e) {
  process.stdout.write(JSON.stringify({ name: e && e.name, field: e && e.field, message: String(e && e.message) }));
  process.exitCode = 3;
}`;

/**
 * Runs the real bundle on the environment the function will get, with tokens replaced by placeholders that
 * pass the checks a deployed value would pass. Catches anything the authorizer would refuse at cold start.
 */
export function checkWithBundle(s: AuthorizerSettings, bundleFile: string): void {
  const env = build(s, (t, kind, i) =>
    t.isToken
      ? kind === 'pool'
        ? 'us-east-1_CogauthSynthPlaceholder'
        : `cogauthsynthplaceholder${i}`
      : t.value,
  );
  const key = JSON.stringify([bundleFile, env]);
  if (accepted.has(key)) return;
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', PROBE, pathToFileURL(bundleFile).href],
    {
      encoding: 'utf8',
      timeout: 30_000,
      // Only the function's variables: whatever COGAUTH_* the synth shell has must not hide a problem.
      env: { ...env, PATH: process.env.PATH ?? '' },
    },
  );
  if (run.status === 0) {
    accepted.add(key);
    return;
  }
  if (run.status === 3) {
    const refusal = JSON.parse(run.stdout) as { name?: string; field?: string; message: string };
    const prop = (refusal.field !== undefined && PROP_OF[refusal.field]) || 'props';
    throw new ConfigError(prop, `the authorizer bundle refuses this configuration: ${refusal.message}`);
  }
  throw new Error(
    `could not check the authorizer configuration with ${bundleFile} (${run.error?.message ?? `exit ${run.status ?? run.signal}`}): ${run.stderr}`,
  );
}

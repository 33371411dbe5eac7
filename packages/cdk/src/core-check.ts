import { ConfigError } from '@cogauth/core';
import { envErrorDetail, handlerFromEnv } from '@cogauth/core/lambda';
import { environmentWith } from './environment.js';
import type { AuthorizerSettings } from './settings.js';

/**
 * Each variable the construct sets, with the prop it comes from and the name core's option has inside
 * the error (`COGAUTH_RULES: rules[1].route: …`), so a refusal names what the user wrote.
 */
const PROP_OF: Readonly<Record<string, { prop: string; option?: string }>> = {
  COGAUTH_USER_POOL_ID: { prop: 'userPoolId', option: 'userPoolId' },
  COGAUTH_CLIENT_IDS: { prop: 'clientIds', option: 'clientId' },
  COGAUTH_TOKEN_USE: { prop: 'tokenUse', option: 'tokenUse' },
  COGAUTH_RULES: { prop: 'rules', option: 'rules' },
  COGAUTH_HTTP_API_RESPONSE: { prop: 'httpApiResponse' },
  COGAUTH_HTTP_API_CACHE: { prop: 'httpApiCache' },
  COGAUTH_JWKS: { prop: 'jwks', option: 'jwks' },
};

// Stand-ins for CloudFormation tokens, which have no value until deploy: well-formed, so core checks
// everything around them.
const POOL_PLACEHOLDER = 'us-east-1_CogauthSynthPlaceholder';
const clientPlaceholder = (i: number): string => `cogauthsynthplaceholder${i}`;

/** `COGAUTH_RULES: rules[1].route: invalid …` → field `rules[1].route`, message `invalid …`. */
function renamed(err: ConfigError, s: AuthorizerSettings): ConfigError {
  const entry = PROP_OF[err.field];
  if (entry === undefined)
    return new ConfigError('props', `the authorizer would refuse them: ${err.message}`);
  const prop = entry.prop === 'userPoolId' ? s.poolField : entry.prop;
  const { path, detail } = envErrorDetail(err, entry.option);
  return new ConfigError(`${prop}${path}`, detail);
}

/**
 * Builds the authorizer with `@cogauth/core`'s own `handlerFromEnv` from exactly the environment the
 * function gets (tokens replaced by placeholders that pass the checks a deployed value would pass):
 * whatever the function would refuse at cold start fails the synth, naming the prop.
 */
export function checkWithCore(s: AuthorizerSettings): void {
  const env = environmentWith(s, (t, kind, i) =>
    t.isToken ? (kind === 'pool' ? POOL_PLACEHOLDER : clientPlaceholder(i)) : t.value,
  );
  try {
    // Only the function's variables: whatever COGAUTH_* the synth shell has must not hide a problem.
    handlerFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) throw renamed(err, s);
    throw err;
  }
}

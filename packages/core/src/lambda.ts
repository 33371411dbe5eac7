import { type AuthorizerHandler, typedHandler } from './handler-types.js';
import { handlerFromEnv as fromEnv } from './lambda-env.js';

export { type EnvErrorDetail, envErrorDetail } from './env-error.js';
export type { AuthorizerHandler } from './handler-types.js';

/** The environment `handlerFromEnv` reads: `process.env` or any map of variable names to values. */
export type LambdaEnv = Readonly<Record<string, string | undefined>>;

/**
 * Builds the authorizer from COGAUTH_* variables (see "The Lambda entry" in README.md); throws a
 * ConfigError naming the bad variable. Importing this module does nothing: call it at module scope of
 * your handler file so a bad variable stops the cold start.
 */
export function handlerFromEnv(env?: LambdaEnv): AuthorizerHandler {
  return typedHandler(fromEnv(env));
}

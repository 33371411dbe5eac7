import { appSyncSupport, MAX_APPSYNC_TTL_SECONDS } from './answer/appsync.js';
import { integer } from './authorizer/env-vars.js';
import { handlerFromEnv as fromEnv } from './authorizer/environment.js';
import { type AuthorizerHandler, typedHandler } from './authorizer/handler-types.js';

export type { AuthorizerHandler } from './authorizer/handler-types.js';

/** The environment `handlerFromEnv` reads: `process.env` or any map of variable names to values. */
export type LambdaEnv = Readonly<Record<string, string | undefined>>;

/**
 * Builds the authorizer from COGAUTH_* variables (see "The Lambda entry" in README.md); throws a
 * ConfigError naming the bad variable. Importing this module does nothing: call it at module scope of
 * your handler file so a bad variable stops the cold start. Answers AppSync events too (TTL from
 * COGAUTH_APPSYNC_TTL_SECONDS, 0 to 3600, default 300), which the deployable API Gateway bundle does not.
 */
export function handlerFromEnv(env: LambdaEnv = process.env): AuthorizerHandler {
  const ttlSeconds = integer(env, 'COGAUTH_APPSYNC_TTL_SECONDS', 0, MAX_APPSYNC_TTL_SECONDS);
  return typedHandler(fromEnv(env, { support: appSyncSupport, ttlSeconds }));
}

import { ConfigError } from '../errors.js';
import { readOptions } from '../pipeline/options.js';
import { authorizerOf } from './authorizer.js';
import { ALL_KINDS } from './create-authorizer.js';
import { type LambdaEnv, readEnvironment } from './environment.js';
import { type AuthorizerHandler, typedHandler } from './handler-types.js';

/**
 * Builds the authorizer from COGAUTH_* variables (see "The Lambda entry" in README.md): `readEnvironment`,
 * then `createAuthorizer`. Throws a ConfigError naming the bad variable. Call it at module scope of your
 * handler file so a bad variable stops the cold start. Answers AppSync events too (TTL from
 * COGAUTH_APPSYNC_TTL_SECONDS), which the deployable API Gateway bundle does not.
 */
export function handlerFromEnv(env: LambdaEnv = process.env): AuthorizerHandler {
  const options = readEnvironment(env);
  try {
    return typedHandler(authorizerOf(readOptions(options), ALL_KINDS));
  } catch (err) {
    // The one check left for the handler, which the reader cannot make without loading the package.
    if (err instanceof ConfigError && err.field === 'tracing')
      throw new ConfigError(['COGAUTH_TRACING', ...err.path.slice(1)], err.detail);
    throw err;
  }
}

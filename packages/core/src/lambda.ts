/**
 * `@cogauth/core/lambda`: the authorizer configured by COGAUTH_* environment variables, and the contract
 * itself (read and write) for deploy tooling. Importing it does nothing by itself.
 */

import { authorizerOf } from './authorizer/authorizer.js';
import { ALL_KINDS } from './authorizer/create-authorizer.js';
import { type LambdaEnv, readEnvironment } from './authorizer/environment.js';
import { type AuthorizerHandler, typedHandler } from './authorizer/handler-types.js';
import { readOptions } from './pipeline/options.js';

export {
  type EnvironmentSettings,
  type LambdaEnv,
  readEnvironment,
  readVerifierEnvironment,
  type VerifierEnvironment,
  writeEnvironment,
} from './authorizer/environment.js';
export type { AuthorizerHandler } from './authorizer/handler-types.js';

/**
 * Builds the authorizer from COGAUTH_* variables (see "The Lambda entry" in README.md): `readEnvironment`,
 * then `createAuthorizer`. Throws a ConfigError naming the bad variable. Call it at module scope of your
 * handler file so a bad variable stops the cold start. Answers AppSync events too (TTL from
 * COGAUTH_APPSYNC_TTL_SECONDS), which the deployable API Gateway bundle does not.
 */
export function handlerFromEnv(env: LambdaEnv = process.env): AuthorizerHandler {
  return typedHandler(authorizerOf(readOptions(readEnvironment(env)), ALL_KINDS));
}

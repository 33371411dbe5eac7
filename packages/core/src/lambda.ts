/**
 * `@cogauth/core/lambda`: the authorizer configured by COGAUTH_* environment variables, and the contract
 * itself (read and write) for deploy tooling. Importing it does nothing by itself.
 */
export {
  type EnvironmentSettings,
  type LambdaEnv,
  readEnvironment,
  readVerifierEnvironment,
  type VerifierEnvironment,
  writeEnvironment,
} from './authorizer/environment.js';
export { handlerFromEnv } from './authorizer/from-env.js';
export type { AuthorizerHandler } from './authorizer/handler-types.js';

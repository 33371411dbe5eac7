import { handlerFromEnv } from './lambda.js';

/**
 * The deployable bundle's entry (`dist/lambda/index.mjs`, handler `index.handler`): the authorizer
 * configured from the COGAUTH_* environment variables at cold start; a bad variable throws a ConfigError
 * naming it during init. Only the bundle imports this file: `@cogauth/core/lambda` has no import-time
 * effects.
 */
export const handler = handlerFromEnv();

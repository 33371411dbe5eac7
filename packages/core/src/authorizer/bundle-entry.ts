import { handlerFromEnv } from './environment.js';
import { typedHandler } from './handler-types.js';

/**
 * The deployable bundle's entry (`dist/lambda/index.mjs`, handler `index.handler`): the API Gateway
 * authorizer (REST, HTTP API, WebSocket) configured from the COGAUTH_* environment variables at cold start;
 * a bad variable throws a ConfigError naming it during init. AppSync is left out of this bundle (it is
 * `handlerFromEnv` from `@cogauth/core/lambda`, or `createAuthorizer`, in a function of your own). Only the
 * bundle imports this file: `@cogauth/core/lambda` has no import-time effects.
 */
export const handler = typedHandler(handlerFromEnv());

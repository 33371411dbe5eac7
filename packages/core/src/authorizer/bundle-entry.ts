import { API_GATEWAY_KINDS } from './api-gateway.js';
import { authorizerOf } from './authorizer.js';
import { environmentSetup } from './environment.js';
import { typedHandler } from './handler-types.js';

/**
 * The deployable bundle's entry (`dist/lambda/index.mjs`, handler `index.handler`): the API Gateway
 * authorizer (REST, HTTP API, WebSocket) configured from the COGAUTH_* environment variables at cold start;
 * a bad variable throws a ConfigError naming it during init. It registers the API Gateway event kinds only,
 * so the AppSync answer is not in the bundle (AppSync: `handlerFromEnv` from `@cogauth/core/lambda`, or
 * `createAuthorizer`, in a function of your own). Only the bundle imports this file: `@cogauth/core/lambda`
 * has no import-time effects.
 */
export const handler = typedHandler(authorizerOf(environmentSetup(), API_GATEWAY_KINDS));

import type { AuthorizerHandler } from './authorizer.js';
import { handlerFromEnv } from './lambda-env.js';

export { handlerFromEnv } from './lambda-env.js';

/**
 * The Lambda entry (`index.handler` in the bundle), configured once per cold start from the COGAUTH_*
 * environment variables; a bad variable throws a ConfigError naming it during init.
 */
export const handler: AuthorizerHandler = handlerFromEnv();

/** `@cogauth/core/express`: Express middleware (see adapters/express.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { Authenticator, AuthResult } from './adapters/authenticator.js';
export {
  cogauthExpress,
  type ExpressMiddleware,
  type ExpressRequestLike,
  type ExpressResponseLike,
} from './adapters/express.js';

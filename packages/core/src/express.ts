/** `@cogauth/core/express`: Express middleware (see adapters/express.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { AuthResult } from './adapters/authenticator.js';
export {
  cogauth,
  type ExpressMiddleware,
  type ExpressRequestLike,
  type ExpressResponseLike,
} from './adapters/express.js';

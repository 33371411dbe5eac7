/** `@cogauth/core/middy`: Middy middleware for Lambda function URL and ALB events (see adapters/middy.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { Authenticator, AuthResult } from './adapters/authenticator.js';
export {
  cogauthMiddy,
  type LambdaHttpRefusal,
  type MiddyMiddleware,
  type MiddyRequestLike,
} from './adapters/middy.js';

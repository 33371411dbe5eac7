/** `@cogauth/core/hono`: Hono middleware (see adapters/hono.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { Authenticator, AuthResult } from './adapters/authenticator.js';
export { cogauthHono, type HonoContextLike, type HonoMiddleware } from './adapters/hono.js';

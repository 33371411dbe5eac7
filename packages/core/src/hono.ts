/** `@cogauth/core/hono`: Hono middleware (see adapters/hono.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { AuthResult } from './adapters/authenticator.js';
export { cogauth, type HonoContextLike, type HonoMiddleware } from './adapters/hono.js';

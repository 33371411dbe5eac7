/** `@cogauth/core/fastify`: a Fastify `onRequest` hook (see adapters/fastify.ts). */

export type { AdapterOptions } from './adapters/adapter.js';
export type { Authenticator, AuthResult } from './adapters/authenticator.js';
export {
  cogauthFastify,
  type FastifyHook,
  type FastifyReplyLike,
  type FastifyRequestLike,
} from './adapters/fastify.js';

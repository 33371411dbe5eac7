/**
 * `@cogauth/core/fastify`: an `onRequest` hook. Structural types only, so Fastify's types are not needed.
 *
 * ```ts
 * app.addHook('onRequest', cogauthFastify({ verifier, rules }));
 * app.get('/messages', async (request) => ({ sub: request.auth.claims.sub }));
 * ```
 */

import { refusalOf } from '../answer/http-refusal.js';
import { type AdapterOptions, authenticatorOf } from './adapter.js';
import type { AuthResult } from './authenticator.js';
import { fastifyRoutedPath } from './fastify-path.js';

export interface FastifyRequestLike {
  method: string;
  /** The target Fastify routed (after any `rewriteUrl`). */
  url: string;
  /** The Fastify instance: its `initialConfig` says whether the router ends paths at `;`. */
  server?: { readonly initialConfig?: unknown };
  headers: Readonly<Record<string, string | string[] | undefined>>;
  auth?: AuthResult;
}

export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Readonly<Record<string, string>>): FastifyReplyLike;
  send(body: string): unknown;
}

export type FastifyHook = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>;

/**
 * Lets a request through (`request.auth` holds the 200 answer) or replies 401/403 with a body that names no
 * reason. Register it app-wide (`addHook`) or per route (`onRequest`). Fails closed on any error (401).
 */
export function cogauthFastify(options: AdapterOptions): FastifyHook {
  const authenticate = authenticatorOf(options);
  return async (request, reply) => {
    let result: AuthResult;
    try {
      result = await authenticate({
        method: request.method,
        path: fastifyRoutedPath(request.url, request.server?.initialConfig),
        authorization: request.headers.authorization,
        oidcData: request.headers['x-amzn-oidc-data'],
      });
    } catch {
      result = { status: 401, reason: 'INTERNAL_ERROR' };
    }
    if (result.status === 200) {
      request.auth = result;
      return;
    }
    const refusal = refusalOf(result);
    return reply.code(refusal.status).headers(refusal.headers).send(refusal.body);
  };
}

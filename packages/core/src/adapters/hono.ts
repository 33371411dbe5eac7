/**
 * `@cogauth/core/hono`: Hono middleware. Structural types only, so Hono's types are not needed.
 *
 * ```ts
 * app.use('*', cogauthHono({ verifier, rules }));
 * app.get('/messages', (c) => c.json({ sub: c.get('auth').claims.sub }));
 * ```
 */

import { refusalOf } from '../answer/http-refusal.js';
import { type AdapterOptions, authenticatorOf } from './adapter.js';
import type { AuthResult } from './authenticator.js';

export interface HonoContextLike {
  req: {
    method: string;
    /** The path Hono's router matched (decoded, after `getPath` and `strict: false`). */
    path: string;
    /** The request URL; a `#` in it is refused, as for the other adapters. */
    url?: string;
    header(name: string): string | undefined;
  };
  set(key: 'auth', value: AuthResult): void;
}

export type HonoMiddleware = (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | undefined>;

/**
 * Lets a request through (`c.get('auth')` holds the 200 answer) or answers 401/403 with a body that names
 * no reason. Fails closed on any error (401).
 */
export function cogauthHono(options: AdapterOptions): HonoMiddleware {
  const authenticate = authenticatorOf(options);
  return async (c, next) => {
    let result: AuthResult;
    try {
      result = await authenticate({
        method: c.req.method,
        path: c.req.url?.includes('#') ? '' : c.req.path,
        authorization: c.req.header('authorization'),
        oidcData: c.req.header('x-amzn-oidc-data'),
      });
    } catch {
      result = { status: 401, reason: 'INTERNAL_ERROR' };
    }
    if (result.status === 200) {
      c.set('auth', result);
      await next();
      return undefined;
    }
    const refusal = refusalOf(result);
    return new Response(refusal.body, { status: refusal.status, headers: refusal.headers });
  };
}

/**
 * `@cogauth/core/express`: Express middleware. Structural types only, so Express's types are not needed.
 *
 * ```ts
 * app.use(cogauthExpress({ verifier, rules }));
 * app.get('/messages', (req, res) => res.json({ sub: req.auth.claims.sub }));
 * ```
 */

import { refusalOf } from '../answer/http-refusal.js';
import { type AdapterOptions, authenticatorOf } from './adapter.js';
import type { AuthResult } from './authenticator.js';
import { expressRoutedPath } from './express-path.js';

const FAILED: AuthResult = { status: 401, reason: 'INTERNAL_ERROR' };

export interface ExpressRequestLike {
  method: string;
  /** The target as it came in; refused when it holds a `#` or a byte outside printable ASCII. */
  originalUrl?: string;
  /** The mount path the parent routers matched; the rules see it followed by the path of `url`. */
  baseUrl?: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  auth?: AuthResult;
}

export interface ExpressResponseLike {
  writeHead(status: number, headers: Readonly<Record<string, string>>): unknown;
  end(body: string): unknown;
}

export type ExpressMiddleware = (
  req: ExpressRequestLike,
  res: ExpressResponseLike,
  next: (err?: unknown) => void,
) => void;

/**
 * Lets a request through (`req.auth` holds the 200 answer: claims and context) or ends it with 401/403
 * and a body that names no reason. Fails closed: an error while deciding answers 401.
 */
export function cogauthExpress(options: AdapterOptions): ExpressMiddleware {
  const authenticate = authenticatorOf(options);
  return (req, res, next) => {
    let answer: Promise<AuthResult>;
    try {
      answer = authenticate({
        method: req.method,
        path: expressRoutedPath(req),
        authorization: req.headers.authorization,
        oidcData: req.headers['x-amzn-oidc-data'],
      });
    } catch {
      answer = Promise.resolve(FAILED);
    }
    answer
      .catch((): AuthResult => FAILED)
      .then((result) => {
        if (result.status === 200) {
          req.auth = result;
          next();
          return;
        }
        const refusal = refusalOf(result);
        res.writeHead(refusal.status, refusal.headers);
        res.end(refusal.body);
      });
  };
}

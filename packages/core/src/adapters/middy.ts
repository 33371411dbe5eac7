/**
 * `@cogauth/core/middy`: Middy middleware for Lambda function URL and ALB events (and any handler behind
 * them). Structural types only, so Middy's types are not needed.
 *
 * ```ts
 * export const handler = middy(async (event, context) => ({ statusCode: 200, body: context.auth.claims.sub }))
 *   .use(cogauthMiddy({ verifier, rules }));
 * ```
 */

import { refusalOf } from '../answer/http-refusal.js';
import { authorizationHeader } from '../decide/bearer.js';
import type { EventKind } from '../pipeline/decision-log.js';
import { eventHeader, OIDC_DATA_HEADER } from '../pipeline/token-source.js';
import { isRecord } from '../util/guards.js';
import { type AdapterOptions, authenticatorOf } from './adapter.js';
import type { AuthRequest, AuthResult } from './authenticator.js';
import { originFormPath } from './request-path.js';

export interface MiddyRequestLike {
  event: unknown;
  /** The Lambda context: the 200 answer is set as `context.auth`. */
  context: object;
}

/** A function URL or ALB response (ALB with multi-value headers gets `multiValueHeaders`). */
export interface LambdaHttpRefusal {
  statusCode: 401 | 403;
  statusDescription?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  body: string;
  isBase64Encoded?: false;
}

export interface MiddyMiddleware {
  before: (request: MiddyRequestLike) => Promise<LambdaHttpRefusal | undefined>;
}

/**
 * The raw path of an event (function URLs and ALB pass it as received, still percent-encoded), `''` when a
 * handler could read it differently from the rules: a `?` or `#` in it, or a byte outside printable ASCII.
 * A missing path stays missing (EVENT_UNSUPPORTED).
 */
function rawPathOf(path: unknown): string {
  if (typeof path !== 'string') return path as string;
  return originFormPath(path) === path ? path : '';
}

/** The request in a function URL (payload 2.0) or ALB event; undefined for another event. */
function readHttpEvent(
  event: unknown,
): { kind: EventKind; request: AuthRequest; multi: boolean } | undefined {
  if (!isRecord(event) || !isRecord(event.requestContext)) return undefined;
  const rc = event.requestContext;
  if (isRecord(rc.elb)) {
    const multi = isRecord(event.multiValueHeaders);
    const request = {
      method: event.httpMethod as string,
      path: rawPathOf(event.path),
      authorization: authorizationHeader(event.headers, event.multiValueHeaders),
      oidcData: eventHeader(event.headers, event.multiValueHeaders, OIDC_DATA_HEADER),
    };
    return { kind: 'ALB', request, multi };
  }
  if (event.version === '2.0' && isRecord(rc.http)) {
    const request = {
      method: rc.http.method as string,
      // @middy/http-router routes on `requestContext.http.path`: a path that differs from `rawPath` is refused.
      path: rc.http.path === undefined || rc.http.path === event.rawPath ? rawPathOf(event.rawPath) : '',
      authorization: authorizationHeader(event.headers, undefined),
      oidcData: eventHeader(event.headers, undefined, OIDC_DATA_HEADER),
    };
    return { kind: 'FUNCTION_URL', request, multi: false };
  }
  return undefined;
}

/**
 * Answers 401/403 before the handler runs (a body that names no reason), or sets `context.auth` to the 200
 * answer. Another event shape, or any error, is a 401 (fail-closed).
 */
export function cogauthMiddy(options: AdapterOptions): MiddyMiddleware {
  const authenticate = authenticatorOf(options);
  return {
    async before(request) {
      let result: AuthResult;
      let multi = false;
      let alb = false;
      try {
        const read = readHttpEvent(request.event);
        if (read) {
          multi = read.multi;
          alb = read.kind === 'ALB';
          result = await authenticate(read.request, read.kind);
        } else result = { status: 401, reason: 'EVENT_UNSUPPORTED' };
      } catch {
        result = { status: 401, reason: 'INTERNAL_ERROR' };
      }
      if (result.status === 200) {
        (request.context as { auth?: AuthResult }).auth = result;
        return undefined;
      }
      const refusal = refusalOf(result);
      const response: LambdaHttpRefusal = { statusCode: refusal.status, body: refusal.body };
      if (multi) {
        response.multiValueHeaders = {};
        for (const [k, v] of Object.entries(refusal.headers)) response.multiValueHeaders[k] = [v];
      } else response.headers = { ...refusal.headers };
      if (alb) {
        response.statusDescription = refusal.status === 401 ? '401 Unauthorized' : '403 Forbidden';
        response.isBase64Encoded = false;
      }
      return response;
    },
  };
}

import { ConfigError } from '@cogauth/core';
import type { CogauthSettings } from './config.js';

/** The marker an event uses to opt in: `authorizer: cogauth`. */
export const MARKER = 'cogauth';
/** The HTTP API authorizer's name under `provider.httpApi.authorizers`. */
export const HTTP_API_AUTHORIZER = 'cogauth';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface MarkedEvents {
  http: number;
  httpApi: number;
  websocket: number;
}

/**
 * REST: the policy covers every route the caller may use, so caching by token alone is safe. A per-request
 * answer holds for its own request, and a REST authorizer's cache cannot key on the route: no cache.
 */
function restAuthorizer(settings: CogauthSettings): Obj {
  return {
    name: settings.functionKey,
    type: settings.restAuthorizerType,
    identitySource: 'method.request.header.Authorization',
    resultTtlInSeconds: settings.answerMode === 'per-request' ? 0 : settings.resultTtlSeconds,
  };
}

/**
 * HTTP API: an IAM policy (default) covers every permitted route like REST, so the token alone is a safe
 * cache key. A simple answer, or a per-request policy, holds for one route: the route key joins the cache
 * key, or the cache is off.
 */
export function httpApiAuthorizer(settings: CogauthSettings): Obj {
  const simple = settings.httpApiResponse === 'simple';
  const perRoute = simple || settings.answerMode === 'per-request';
  const cacheOff = perRoute && settings.httpApiCache === 'off';
  return {
    type: 'request',
    functionName: settings.functionKey,
    payloadVersion: '2.0',
    enableSimpleResponses: simple,
    identitySource:
      perRoute && !cacheOff
        ? ['$request.header.Authorization', '$context.routeKey']
        : ['$request.header.Authorization'],
    resultTtlInSeconds: cacheOff ? 0 : settings.resultTtlSeconds,
  };
}

/** WebSocket `$connect`: API Gateway does not cache WebSocket authorizer results. */
function websocketAuthorizer(settings: CogauthSettings): Obj {
  return { name: settings.functionKey, identitySource: ['route.request.header.Authorization'] };
}

/**
 * Replaces `authorizer: cogauth` on `http`, `httpApi` and `websocket` (`$connect`) events with the real
 * authorizer configuration, and adds the HTTP API authorizer when an `httpApi` event uses it.
 */
export function rewriteEvents(service: Obj, settings: CogauthSettings): MarkedEvents {
  const counts: MarkedEvents = { http: 0, httpApi: 0, websocket: 0 };
  const functions = isObj(service.functions) ? service.functions : {};
  for (const [key, fn] of Object.entries(functions)) {
    if (!isObj(fn) || !Array.isArray(fn.events)) continue;
    fn.events.forEach((event: unknown, i) => {
      if (!isObj(event)) return;
      const at = ['functions', key, 'events', i];
      if (isObj(event.http) && event.http.authorizer === MARKER) {
        event.http.authorizer = restAuthorizer(settings);
        counts.http++;
      } else if (isObj(event.httpApi) && event.httpApi.authorizer === MARKER) {
        event.httpApi.authorizer = { name: HTTP_API_AUTHORIZER };
        counts.httpApi++;
      } else if (isObj(event.websocket) && event.websocket.authorizer === MARKER) {
        if (event.websocket.route !== '$connect')
          throw new ConfigError([...at, 'websocket', 'authorizer'], 'cogauth guards only the $connect route');
        event.websocket.authorizer = websocketAuthorizer(settings);
        counts.websocket++;
      }
    });
  }
  if (counts.httpApi > 0) {
    const provider = service.provider as Obj;
    if (!isObj(provider.httpApi)) provider.httpApi = {};
    const httpApi = provider.httpApi as Obj;
    if (!isObj(httpApi.authorizers)) httpApi.authorizers = {};
    const authorizers = httpApi.authorizers as Obj;
    if (authorizers[HTTP_API_AUTHORIZER] !== undefined)
      throw new ConfigError(
        ['provider', 'httpApi', 'authorizers', HTTP_API_AUTHORIZER],
        'is already defined: cogauth adds it for events marked authorizer: cogauth',
      );
    authorizers[HTTP_API_AUTHORIZER] = httpApiAuthorizer(settings);
  }
  return counts;
}

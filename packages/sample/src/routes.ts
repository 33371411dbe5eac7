import type { SampleGroup } from './groups.js';

/** A backend export that serves one route: the Lambda handler is `index.<handler>` in the bundle. */
export type SampleHandler = 'listMessages' | 'postMessage' | 'deleteMessage' | 'me';

/** One route of the sample API, as both flavours deploy it. */
export interface SampleRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The route template, as API Gateway and the rules write it. */
  readonly path: string;
  readonly handler: SampleHandler;
  /** A concrete path to call (`{id}` filled in). */
  readonly examplePath: string;
  /** The group the sample rules require; none: any signed-in user. A unit test holds it to rules.json. */
  readonly group?: SampleGroup;
  /** Takes a JSON body `{"text": "…"}` of at most MAX_TEXT_LENGTH characters. */
  readonly takesMessage?: true;
}

export const SAMPLE_ROUTES: readonly SampleRoute[] = Object.freeze([
  { method: 'GET', path: '/messages', handler: 'listMessages', examplePath: '/messages' },
  {
    method: 'POST',
    path: '/messages',
    handler: 'postMessage',
    examplePath: '/messages',
    group: 'writers',
    takesMessage: true,
  },
  {
    method: 'DELETE',
    path: '/messages/{id}',
    handler: 'deleteMessage',
    examplePath: '/messages/42',
    group: 'admin',
  },
  { method: 'GET', path: '/me', handler: 'me', examplePath: '/me' },
]);

/** `GET /messages`: the route key of API Gateway and of the rules. */
export function routeKey(route: Pick<SampleRoute, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

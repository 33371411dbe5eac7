import { type JsonSchema, JsonSchemaType } from 'aws-cdk-lib/aws-apigateway';

/** One route of the sample API and the export of the sample backend bundle that serves it. */
export interface SampleRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** Export name in the backend bundle: the Lambda handler is `index.<handler>`. */
  readonly handler: string;
  /** JSON schema API Gateway checks the request body against (REST API), when the route takes a body. */
  readonly bodySchema?: JsonSchema;
}

/** The routes the Serverless app also deploys (its serverless.yml), with the same backend handlers. */
export const SAMPLE_ROUTES: readonly SampleRoute[] = [
  { method: 'GET', path: '/messages', handler: 'listMessages' },
  {
    method: 'POST',
    path: '/messages',
    handler: 'postMessage',
    // The sample backend's own check (apps/serverless-authorizer/src/messages.ts: MAX_TEXT_LENGTH).
    bodySchema: {
      type: JsonSchemaType.OBJECT,
      required: ['text'],
      properties: { text: { type: JsonSchemaType.STRING, minLength: 1, maxLength: 1000 } },
    },
  },
  { method: 'DELETE', path: '/messages/{id}', handler: 'deleteMessage' },
  { method: 'GET', path: '/me', handler: 'me' },
];

export function routeKey(route: SampleRoute): string {
  return `${route.method} ${route.path}`;
}

/** `{id}` -> `id`, for the path parameters a REST method declares. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string);
}

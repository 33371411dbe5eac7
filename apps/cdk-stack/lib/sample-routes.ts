import { MAX_TEXT_LENGTH, type SampleRoute } from '@cogauth/sample';
import { type JsonSchema, JsonSchemaType } from 'aws-cdk-lib/aws-apigateway';

/** The body API Gateway checks (REST API) for routes that take a message: the backend's own limits. */
const MESSAGE_BODY: JsonSchema = {
  type: JsonSchemaType.OBJECT,
  required: ['text'],
  properties: { text: { type: JsonSchemaType.STRING, minLength: 1, maxLength: MAX_TEXT_LENGTH } },
};

/** The JSON schema of a route's request body, when it takes one. */
export function bodySchemaOf(route: SampleRoute): JsonSchema | undefined {
  return route.takesMessage ? MESSAGE_BODY : undefined;
}

/** `{id}` -> `id`, for the path parameters a REST method declares. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string);
}

import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { deleteMessage, listMessages, me, postMessage } from '../../src/backend.js';
import { callerFromEvent } from '../../src/caller.js';

// Events shaped like the ones API Gateway sends behind the cogauth authorizer. The unverified
// `claims` / `jwt.claims` are what serverless-offline adds on its own; the backend must ignore them.

const context = {
  sub: 'c0ffee00-0000-4000-8000-000000000001',
  username: 'writer',
  groups: '["readers","writers"]',
  scope: 'aws.cognito.signin.user.admin',
  tokenUse: 'access',
  clientId: 'client-1',
};
const forgedClaims = { sub: 'someone-else', username: 'mallory', 'cognito:groups': ['admin'] };

function restEvent(authorizer: Record<string, unknown> | null, extra: Partial<APIGatewayProxyEvent> = {}) {
  return {
    resource: '/messages',
    path: '/messages',
    httpMethod: 'POST',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { authorizer, stage: 'dev' } as unknown as APIGatewayProxyEvent['requestContext'],
    ...extra,
  } as APIGatewayProxyEvent;
}

function httpApiEvent(
  lambda: Record<string, unknown> | undefined,
  extra: Partial<APIGatewayProxyEventV2> = {},
) {
  return {
    version: '2.0',
    routeKey: 'POST /messages',
    rawPath: '/messages',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      authorizer: { lambda, jwt: { claims: forgedClaims, scopes: [] } },
    } as unknown as APIGatewayProxyEventV2['requestContext'],
    ...extra,
  } as APIGatewayProxyEventV2;
}

describe('callerFromEvent', () => {
  it('reads the REST authorizer context, not the claims an emulator injects beside it', () => {
    const caller = callerFromEvent(restEvent({ ...context, principalId: context.sub, claims: forgedClaims }));
    expect(caller).toEqual({
      sub: context.sub,
      username: 'writer',
      groups: ['readers', 'writers'],
      scope: context.scope,
      tokenUse: 'access',
      clientId: 'client-1',
      email: undefined,
    });
  });

  it('reads the HTTP API context under authorizer.lambda, not authorizer.jwt.claims', () => {
    const caller = callerFromEvent(httpApiEvent(context));
    expect(caller?.sub).toBe(context.sub);
    expect(caller?.groups).toEqual(['readers', 'writers']);
  });

  it('finds no caller when only raw claims are present', () => {
    expect(callerFromEvent(restEvent({ claims: forgedClaims, principalId: 'x' }))).toBeUndefined();
    expect(callerFromEvent(httpApiEvent(undefined))).toBeUndefined();
    expect(callerFromEvent(restEvent(null))).toBeUndefined();
  });

  it('reads an empty groups value as no groups', () => {
    expect(callerFromEvent(restEvent({ ...context, groups: '[]' }))?.groups).toEqual([]);
    expect(callerFromEvent(restEvent({ ...context, groups: '' }))?.groups).toEqual([]);
  });

  it('reads groups as a JSON array: a comma inside a group name is not a second group', () => {
    const caller = callerFromEvent(restEvent({ ...context, groups: '["readers,admin"]' }));
    expect(caller?.groups).toEqual(['readers,admin']);
    expect(callerFromEvent(restEvent({ ...context, groups: '["readers",' }))?.groups).toEqual([]);
  });

  it('reads a group whose name holds "," as one group, not as two', () => {
    const groups = JSON.stringify(['readers,admin']);
    expect(callerFromEvent(restEvent({ ...context, groups }))?.groups).toEqual(['readers,admin']);
    expect(callerFromEvent(httpApiEvent({ ...context, groups }))?.groups).not.toContain('admin');
  });
});

describe('backend routes', () => {
  it('refuses to serve a route that is not behind the authorizer', async () => {
    for (const handler of [listMessages, postMessage, deleteMessage, me]) {
      const reply = await handler(restEvent({ claims: forgedClaims }));
      expect(reply.statusCode).toBe(500);
      expect(JSON.parse(reply.body)).toEqual({ message: 'authorizer context missing' });
    }
  });

  it('posts a message authored by the context username and lists it', async () => {
    const posted = await postMessage(httpApiEvent(context, { body: JSON.stringify({ text: 'hello' }) }));
    expect(posted.statusCode).toBe(200);
    const { message } = JSON.parse(posted.body) as { message: { id: string; author: string } };
    expect(message.author).toBe('writer');
    const listed = JSON.parse((await listMessages(restEvent(context))).body) as {
      messages: { id: string }[];
    };
    expect(listed.messages.map((m) => m.id)).toContain(message.id);
  });

  it('decodes a base64 body', async () => {
    const body = Buffer.from(JSON.stringify({ text: 'encoded' })).toString('base64');
    const posted = await postMessage(restEvent(context, { body, isBase64Encoded: true }));
    expect(JSON.parse(posted.body)).toMatchObject({ message: { text: 'encoded' } });
  });

  it('answers 400 with a reason for a bad body', async () => {
    const cases: [string | null, string][] = [
      [null, 'body must be JSON: {"text": "..."}'],
      ['{', 'body is not valid JSON'],
      ['{"text": 5}', 'text must be a non-empty string'],
      ['{"text": "   "}', 'text must be a non-empty string'],
      [JSON.stringify({ text: 'x'.repeat(1001) }), 'text must be at most 1000 characters'],
    ];
    for (const [body, message] of cases) {
      const reply = await postMessage(restEvent(context, { body }));
      expect(reply.statusCode).toBe(400);
      expect(JSON.parse(reply.body)).toEqual({ message });
    }
  });

  it('deletes by path id and says whether this instance held the message', async () => {
    const posted = await postMessage(restEvent(context, { body: '{"text":"bye"}' }));
    const { message } = JSON.parse(posted.body) as { message: { id: string } };
    const first = await deleteMessage(restEvent(context, { pathParameters: { id: message.id } }));
    expect(JSON.parse(first.body)).toEqual({ id: message.id, deleted: true });
    const again = await deleteMessage(restEvent(context, { pathParameters: { id: message.id } }));
    expect(JSON.parse(again.body)).toEqual({ id: message.id, deleted: false });
    expect((await deleteMessage(restEvent(context))).statusCode).toBe(400);
  });
});

import {
  type AuthorizerPolicyResult,
  createAuthorizer,
  type DecisionLog,
  type SimpleAuthorizerResult,
} from '@cogauth/core';
import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import {
  documentAllows,
  httpApiEvent,
  PREFIX,
  requestEvent,
  tokenEvent,
  tokenFor,
  verifier,
} from '../helpers/gateway.js';
import { accessClaims } from '../helpers/store.js';

/*
 * Routes whose policies read the request (path or query string parameters) are answered for the request
 * alone, and only where API Gateway's cache cannot serve that answer to a request it would be wrong for:
 * README "Cache safety". A cached answer is replayed here as API Gateway would: the same policy document,
 * evaluated for the next request with the same token.
 */

const engine = loadCedar({
  policies: `
    @id("everyone-lists")
    permit (principal, action == MyApi::Action::"get /users", resource);
    @id("own-record")
    permit (principal, action == MyApi::Action::"get /users/{id}", resource)
    when { context.token.username == context.pathParameters.id };
    @id("search")
    permit (principal, action == MyApi::Action::"get /search", resource);
    @id("no-admin-search")
    forbid (principal, action == MyApi::Action::"get /search", resource)
    when { context.queryStringParameters has scope && context.queryStringParameters.scope == "all" };
    @id("files")
    permit (principal, action == MyApi::Action::"get /files/{name}", resource)
    when { context.pathParameters.name != "secret" };`,
});
const alice = tokenFor(accessClaims('alice', []));
const check = verifier();

function authorizer(
  options: { restApiCache?: 'on' | 'off'; httpApiResponse?: 'simple'; httpApiCache?: 'on' | 'off' } = {},
) {
  const logs: DecisionLog[] = [];
  const handler = createAuthorizer({
    verifier: check,
    rules: engine,
    logger: (e) => logs.push(e),
    ...options,
  });
  return { handler: handler as (event: unknown) => Promise<unknown>, logs };
}

describe('per-request routes through the authorizer', () => {
  it('the engine marks them and says what they read', () => {
    expect(engine.actions.map((a) => [a.id, a.perRequest])).toEqual([
      ['get /files/{name}', true],
      ['get /search', true],
      ['get /users', false],
      ['get /users/{id}', true],
    ]);
    expect(engine.requestContext).toEqual({ pathParameters: true, queryStringParameters: true });
  });

  it('a path-reading route answers its own ARN only: the cached policy serves no other record', async () => {
    const { handler, logs } = authorizer();
    const own = (await handler(tokenEvent(alice, 'GET/users/alice'))) as AuthorizerPolicyResult;
    expect(logs.at(-1)).toMatchObject({ decision: 'Allow', reason: 'ALLOWED' });
    expect(own.policyDocument.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [`${PREFIX}GET/users`, `${PREFIX}GET/users/alice`],
      },
    ]);
    // Replayed by API Gateway's cache for the same token: bob's record stays closed.
    expect(documentAllows(own.policyDocument, `${PREFIX}GET/users/bob`)).toBe(false);
    const bob = (await handler(tokenEvent(alice, 'GET/users/bob'))) as AuthorizerPolicyResult;
    expect(logs.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_PERMITTED' });
    expect(documentAllows(bob.policyDocument, `${PREFIX}GET/users/bob`)).toBe(false);
    expect(documentAllows(bob.policyDocument, `${PREFIX}GET/users`)).toBe(true);
  });

  it('where a Deny of the cached policy covers the request, the answer is its own Allow alone', async () => {
    const docs = loadCedar({
      policies: `permit (principal, action == MyApi::Action::"get /docs/{id}", resource);
        permit (principal, action == MyApi::Action::"get /docs/{id}/raw", resource)
        when { context.token.username == context.pathParameters.id };`,
    });
    const claims = accessClaims('alice', []);
    // GET/docs/* reaches GET /docs/x/raw, a route the token alone does not permit: denied explicitly.
    expect(docs.permitted(claims).policy).toMatchObject({ allow: ['GET/docs/*'], deny: ['GET/docs/*/*'] });
    const handler = createAuthorizer({ verifier: check, rules: docs, logger: () => {} });
    const raw = (await handler(tokenEvent(alice, 'GET/docs/alice/raw'))) as AuthorizerPolicyResult;
    expect(raw.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/docs/alice/raw`] },
    ]);
    const other = (await handler(tokenEvent(alice, 'GET/docs/bob/raw'))) as AuthorizerPolicyResult;
    expect(documentAllows(other.policyDocument, `${PREFIX}GET/docs/bob/raw`)).toBe(false);
    expect(documentAllows(other.policyDocument, `${PREFIX}GET/docs/bob`)).toBe(true);
  });

  it('a query-string route is refused wherever a cached answer would serve other query strings', async () => {
    const search = (query: Record<string, string> | null) => requestEvent(alice, 'GET/search', { query });
    // A REST answer cached by token (the default), or a TOKEN event, which has no query string at all.
    for (const [options, event] of [
      [{}, search(null)],
      [{ restApiCache: 'off' as const }, tokenEvent(alice, 'GET/search')],
    ] as const) {
      const { handler, logs } = authorizer(options);
      const answer = (await handler(event)) as AuthorizerPolicyResult;
      expect(logs.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_CACHEABLE' });
      expect(documentAllows(answer.policyDocument, `${PREFIX}GET/search`)).toBe(false);
    }
    // With the REST cache off, a REQUEST authorizer decides each request with its query string.
    const { handler, logs } = authorizer({ restApiCache: 'off' });
    const plain = (await handler(search({ q: 'x' }))) as AuthorizerPolicyResult;
    expect(documentAllows(plain.policyDocument, `${PREFIX}GET/search`)).toBe(true);
    const all = (await handler(search({ scope: 'all' }))) as AuthorizerPolicyResult;
    expect(logs.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_PERMITTED' });
    expect(documentAllows(all.policyDocument, `${PREFIX}GET/search`)).toBe(false);
  });

  it('HTTP API simple answers: refused while cached by route key, decided per request with the cache off', async () => {
    const event = (query: Record<string, string>) =>
      httpApiEvent(alice, 'GET/search', 'GET /search', { query });
    const on = authorizer({ httpApiResponse: 'simple' });
    expect(((await on.handler(event({}))) as SimpleAuthorizerResult).isAuthorized).toBe(false);
    expect(on.logs.at(-1)).toMatchObject({ reason: 'ROUTE_NOT_CACHEABLE' });
    const users = httpApiEvent(alice, 'GET/users/alice', 'GET /users/{id}', { path: { id: 'alice' } });
    expect(((await on.handler(users)) as SimpleAuthorizerResult).isAuthorized).toBe(false);
    const listing = httpApiEvent(alice, 'GET/users', 'GET /users');
    expect(((await on.handler(listing)) as SimpleAuthorizerResult).isAuthorized).toBe(true);
    const off = authorizer({ httpApiResponse: 'simple', httpApiCache: 'off' });
    expect(((await off.handler(event({}))) as SimpleAuthorizerResult).isAuthorized).toBe(true);
    expect(((await off.handler(event({ scope: 'all' }))) as SimpleAuthorizerResult).isAuthorized).toBe(false);
    expect(((await off.handler(users)) as SimpleAuthorizerResult).isAuthorized).toBe(true);
  });

  it('API Gateway’s own path parameters win over ones read from the ARN', async () => {
    const { handler } = authorizer({ restApiCache: 'off' });
    // serverless-offline puts the route template in the ARN; its REQUEST events carry the real values.
    const event = requestEvent(alice, 'GET/users/{id}', { path: { id: 'alice' } });
    const answer = (await handler(event)) as AuthorizerPolicyResult;
    expect(documentAllows(answer.policyDocument, `${PREFIX}GET/users/{id}`)).toBe(true);
  });

  it('a request path holding an IAM wildcard is never allowed on its own ARN (GET /files/* would open /files/secret)', async () => {
    const { handler, logs } = authorizer();
    // Cedar permits name "*" (it is not "secret"); an Allow of GET/files/* would match every file.
    expect(engine.decide(accessClaims('alice', []), { method: 'GET', path: '/files/x' }).allowed).toBe(true);
    const answer = (await handler(tokenEvent(alice, 'GET/files/*'))) as AuthorizerPolicyResult;
    expect(logs.at(-1)).toMatchObject({ decision: 'Deny' });
    expect(documentAllows(answer.policyDocument, `${PREFIX}GET/files/secret`)).toBe(false);
    expect(documentAllows(answer.policyDocument, `${PREFIX}GET/files/*`)).toBe(false);
  });
});

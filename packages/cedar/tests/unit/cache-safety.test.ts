import { describe, expect, it } from 'vitest';
import { type CedarEngine, type CedarGrant, loadCedar } from '../../src/index.js';
import { policyAllows } from '../helpers/gateway.js';
import { accessClaims, SCHEMA } from '../helpers/store.js';

// A REST answer is cached by token: it may only list what the token alone decides, and the routes it
// allows must not reach routes Cedar denies. See the README's security notes.

/** What API Gateway answers from the grant's policy, cached by token. */
function cachedPolicyAllows(grant: CedarGrant, method: string, path: string): boolean {
  return policyAllows(grant.policy, `${method}${path}`);
}

describe('policies that read the request switch their routes to a per-request answer', () => {
  const engine = loadCedar({
    policies: `
      permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|developer", action in [MyApi::Action::"get /users"], resource);
      @id("own-record")
      permit (principal, action == MyApi::Action::"get /users/{id}", resource) when { context.pathParameters.id == "me" };
      @id("scoped")
      permit (principal, action == MyApi::Action::"post /users", resource) when { context.token.scope.contains("w") };`,
  });

  it('only the action whose policy reads context.pathParameters is per request; context.token is per token', () => {
    expect(engine.actions.map((a) => [a.id, a.perRequest])).toEqual([
      ['get /users', false],
      ['get /users/{id}', true],
      ['post /users', false],
    ]);
    expect(engine.requestContext).toEqual({ pathParameters: true, queryStringParameters: false });
  });

  it('the grant leaves the per-request action out; decide evaluates it with the path parameters', () => {
    const dev = accessClaims('d', ['developer'], 'w');
    expect(engine.permitted(dev).permitted.map((a) => a.id)).toEqual(['get /users', 'post /users']);
    expect(engine.permitted(dev).withheld).toEqual([]);
    expect(engine.decide(dev, { method: 'GET', path: '/users/me' })).toMatchObject({
      allowed: true,
      perRequest: true,
    });
    expect(engine.decide(dev, { method: 'GET', path: '/users/42' })).toMatchObject({
      allowed: false,
      perRequest: true,
    });
    // API Gateway's own pathParameters win over the ones derived from the template.
    expect(
      engine.decide(dev, { method: 'GET', path: '/users/42', pathParameters: { id: 'me' } }).allowed,
    ).toBe(true);
  });

  it('a forbid on every action that reads the query string makes every route per request', () => {
    const all = loadCedar({
      policies: `permit (principal, action in [MyApi::Action::"get /a", MyApi::Action::"get /b"], resource);
        forbid (principal, action, resource) when { context.queryStringParameters has debug };`,
    });
    expect(all.actions.every((a) => a.perRequest)).toBe(true);
    expect(all.requestContext).toMatchObject({ queryStringParameters: true, pathParameters: false });
    const c = accessClaims('x', []);
    expect(all.permitted(c).permitted).toEqual([]);
    expect(all.decide(c, { method: 'GET', path: '/a' }).allowed).toBe(true);
    expect(all.decide(c, { method: 'GET', path: '/a', queryStringParameters: { debug: '1' } }).allowed).toBe(
      false,
    );
  });

  it('a policy on an action group marks the group members (from the schema)', () => {
    const schema = structuredClone(SCHEMA) as unknown as {
      MyApi: {
        actions: Record<string, object>;
        commonTypes: { ReusedContext: { attributes: Record<string, object> } };
      };
    };
    schema.MyApi.actions.reads = {};
    schema.MyApi.actions['get /users/{id}'] = {
      ...schema.MyApi.actions['get /users/{id}'],
      memberOf: [{ id: 'reads' }],
    };
    schema.MyApi.actions['get /reports'] = {
      ...schema.MyApi.actions['get /reports'],
      memberOf: [{ id: 'reads' }],
    };
    schema.MyApi.commonTypes.ReusedContext.attributes.pathParameters = {
      type: 'Record',
      required: false,
      attributes: { id: { type: 'String', required: false } },
    };
    const grouped = loadCedar({
      schema,
      policies: `permit (principal, action in MyApi::Action::"reads", resource) when { context has token && context.token has client_id && context.token.client_id == "c" };
        forbid (principal, action in MyApi::Action::"reads", resource) when { context has pathParameters && context.pathParameters has id && context.pathParameters.id == "0" };`,
    });
    expect(grouped.actions.filter((a) => a.perRequest).map((a) => a.id)).toEqual([
      'get /users/{id}',
      'get /reports',
    ]);
    const c = Object.freeze({ ...accessClaims('x', []), client_id: 'c' });
    expect(grouped.decide(c, { method: 'GET', path: '/users/1' }).allowed).toBe(true);
    expect(grouped.decide(c, { method: 'GET', path: '/users/0' }).allowed).toBe(false);
    expect(grouped.decide(c, { method: 'GET', path: '/reports' }).allowed).toBe(true);
  });
});

describe('a route allowed by pattern never lets a request through to a route Cedar denies', () => {
  const engine: CedarEngine = loadCedar({
    policies: `
      permit (principal, action in [MyApi::Action::"get /users/{id}", MyApi::Action::"get /admin/health"], resource);
      permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|admin", action in [MyApi::Action::"get /users/{id}/posts", MyApi::Action::"get /admin/{proxy+}"], resource);`,
  });
  const user = accessClaims('u', []);
  const admin = accessClaims('a', ['admin']);

  it('GET /users/{id} (allowed to all) reaches /users/1/posts through its pattern: that reach is denied explicitly', () => {
    const grant = engine.permitted(user);
    expect(grant.permitted.map((a) => a.id)).toEqual(['get /admin/health', 'get /users/{id}']);
    expect(grant.policy).toMatchObject({
      allow: ['GET/admin/health', 'GET/users/*'],
      deny: ['GET/users/*/*'],
    });
    expect(engine.decide(user, { method: 'GET', path: '/users/1/posts' })).toMatchObject({
      allowed: false,
      actions: ['get /users/{id}/posts'],
    });
    expect(engine.permitted(admin).policy.deny).toEqual([]);
    expect(engine.decide(admin, { method: 'GET', path: '/users/1/posts' }).allowed).toBe(true);
  });

  it('a narrower allowed route inside a wider withheld one stays allowed (GET /admin/health, admin-only /admin/*)', () => {
    expect(engine.decide(user, { method: 'GET', path: '/admin/health' }).allowed).toBe(true);
    expect(engine.decide(user, { method: 'GET', path: '/admin/users' }).allowed).toBe(false);
  });

  it('decide equals what the cached answer (allow permitted, deny denied, by pattern) lets through', () => {
    const paths = ['/users/1', '/users/1/posts', '/users/1/posts/2', '/admin/health', '/admin/x', '/users'];
    for (const claims of [user, admin]) {
      const grant = engine.permitted(claims);
      for (const path of paths) {
        expect([path, engine.decide(claims, { method: 'GET', path }).allowed]).toEqual([
          path,
          cachedPolicyAllows(grant, 'GET', path),
        ]);
      }
    }
  });
});

describe('the memo', () => {
  it('the same frozen claims give the same grant; tokens of one kind of caller share the evaluation', () => {
    const engine = loadCedar({
      policies:
        'permit (principal in MyApi::UserGroup::"us-east-1_ABC1234|developer", action == MyApi::Action::"get /users", resource);',
      schema: SCHEMA,
    });
    const one = accessClaims('a', ['developer']);
    expect(engine.permitted(one)).toBe(engine.permitted(one));
    const other = accessClaims('b', ['developer']);
    expect(engine.permitted(other).permitted).toBe(engine.permitted(one).permitted);
    expect(engine.permitted(other).principal).toBe('us-east-1_ABC1234|b');
  });

  it('a policy that names a user by id keeps users with equal groups apart', () => {
    const engine = loadCedar({
      schema: SCHEMA,
      policies:
        'permit (principal == MyApi::User::"us-east-1_ABC1234|alice", action == MyApi::Action::"get /users", resource);',
    });
    expect(engine.decide(accessClaims('alice', ['g']), { method: 'GET', path: '/users' }).allowed).toBe(true);
    expect(engine.decide(accessClaims('bob', ['g']), { method: 'GET', path: '/users' }).allowed).toBe(false);
  });
});

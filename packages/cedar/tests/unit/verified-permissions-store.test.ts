import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import { accessClaims, idClaims, POLICIES, SCHEMA } from '../helpers/store.js';

// "API-linked policy stores - Amazon Verified Permissions" (docs.aws.amazon.com/verifiedpermissions/latest/
// userguide/policy-stores-api-userpool.html) and "Mapping Amazon Cognito tokens to schema" (…/cognito-map-
// token-to-schema.html): the schema and policies a store exported from Verified Permissions holds.

const engine = loadCedar({ policies: POLICIES, schema: SCHEMA });

describe('an API-linked policy store exported from Verified Permissions, unchanged', () => {
  it('is read with its namespace and one route per action id "<method> <resource path>", from the schema', () => {
    expect(engine.namespace).toBe('MyApi');
    expect(engine.actionsFrom).toBe('schema');
    expect(engine.actions.map((a) => [a.id, a.route])).toEqual([
      ['get /users', 'GET /users'],
      ['post /users', 'POST /users'],
      ['get /users/{id}', 'GET /users/{id}'],
      ['delete /users/{id}', 'DELETE /users/{id}'],
      ['get /reports', 'GET /reports'],
    ]);
    expect(engine.actions.every((a) => !a.perRequest)).toBe(true);
  });

  it('the documentation example: UserGroup "<pool id>|developer" may GET /users, nothing else', () => {
    const dev = accessClaims('dev-1', ['developer']);
    expect(engine.permitted(dev).permitted.map((a) => a.id)).toEqual(['get /users']);
    expect(engine.decide(dev, { method: 'GET', path: '/users' })).toMatchObject({
      allowed: true,
      reason: 'ALLOWED',
    });
    expect(engine.decide(dev, { method: 'POST', path: '/users' })).toMatchObject({
      allowed: false,
      reason: 'ROUTE_NOT_PERMITTED',
    });
  });

  it('the principal is User::"<user pool id>|<sub>", the pool taken from the verified iss', () => {
    expect(engine.permitted(accessClaims('abc', [])).principal).toBe('us-east-1_ABC1234|abc');
  });

  it('access token claims are context.token, scope a Set ("Reflects Amazon Cognito access token attributes")', () => {
    expect(
      engine.decide(accessClaims('w', ['writer'], 'openid MyApi/users.write'), {
        method: 'POST',
        path: '/users',
      }).allowed,
    ).toBe(true);
    expect(
      engine.decide(accessClaims('w', ['writer'], 'openid'), { method: 'POST', path: '/users' }).allowed,
    ).toBe(false);
    // A scope that merely contains the wanted one as a substring is not it.
    expect(
      engine.decide(accessClaims('w', ['writer'], 'MyApi/users.writer'), { method: 'POST', path: '/users' })
        .allowed,
    ).toBe(false);
  });

  it('ID token claims are User attributes, read with bracket notation ("Reflects Amazon Cognito ID token attributes")', () => {
    const finance = idClaims('f', [], { 'custom:department': 'finance' });
    const sales = idClaims('s', [], { 'custom:department': 'sales' });
    expect(engine.decide(finance, { method: 'GET', path: '/reports' }).allowed).toBe(true);
    expect(engine.decide(sales, { method: 'GET', path: '/reports' }).allowed).toBe(false);
  });

  it('forbid wins over permit: an admin who is also an intern may do nothing', () => {
    const both = accessClaims('x', ['admin', 'intern']);
    expect(engine.permitted(both).permitted).toEqual([]);
    expect(engine.decide(both, { method: 'GET', path: '/users' }).reason).toBe('NO_ROUTE_PERMITTED');
  });

  it('path templates match one path segment per {param}: DELETE /users/42 is "delete /users/{id}"', () => {
    const admin = accessClaims('a', ['admin']);
    expect(engine.decide(admin, { method: 'DELETE', path: '/users/42' })).toMatchObject({
      allowed: true,
      actions: ['delete /users/{id}'],
    });
    expect(engine.decide(admin, { method: 'DELETE', path: '/users' }).allowed).toBe(false);
  });

  it('explain names the policies that permitted or forbade (Cedar diagnostics "reason")', () => {
    const admin = accessClaims('a', ['admin']);
    const allowed = engine.explain(admin, { method: 'GET', path: '/users' });
    expect(allowed.actions).toEqual([
      { action: 'get /users', perRequest: false, allow: true, determining: ['admins'], errors: [] },
    ]);
    const forbidden = engine.explain(accessClaims('i', ['admin', 'intern']), {
      method: 'GET',
      path: '/users',
    });
    expect(forbidden.actions[0]).toMatchObject({ allow: false, determining: ['no-interns-delete'] });
    const unnamed = engine.explain(accessClaims('d', ['developer']), { method: 'GET', path: '/users' });
    expect(unnamed.actions[0]?.determining).toEqual(['policy0']);
  });
});

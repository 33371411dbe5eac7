import { describe, expect, it } from 'vitest';
import {
  type AuthorizerPolicyResult,
  ConfigError,
  createAuthenticator,
  createAuthorizer,
  type SimpleAuthorizerResult,
} from '../../src/index.js';
import { handlerFromEnv, readEnvironment, writeEnvironment } from '../../src/lambda.js';
import type { AccessModel, DecisionRequest } from '../../src/rules.js';
import { configError, placeOf } from '../helpers/assertions.js';
import {
  accessToken,
  captureLogs,
  httpApiEvent,
  key,
  localVerifier,
  POOL_ID,
  PREFIX,
  requestEvent,
  tokenEvent,
} from '../helpers/fixtures.js';

/*
 * Another access model in place of route rules (what @cogauth/cedar plugs in): it gets the request's
 * parameters and how API Gateway will reuse the answer, and its answers go out as the rules' do.
 * This one lets a caller read its own record (`GET /records/<sub>`, read from the path) and search
 * (`GET /search?q=…`, read from the query string, never `q=all`).
 */

type Grant = { readonly sub: string };

function ownRecords(): { model: AccessModel<Grant>; seen: DecisionRequest[]; routers: number[] } {
  const seen: DecisionRequest[] = [];
  const routers: number[] = [];
  const grants = new Map<string, Grant>();
  const decide = (grant: Grant, r: DecisionRequest): boolean => {
    if (r.kind !== 'http' || r.method !== 'GET') return false;
    if (r.path === '/search')
      return typeof r.queryStringParameters?.q === 'string' && r.queryStringParameters.q !== 'all';
    return r.path === `/records/${grant.sub}`;
  };
  const model: AccessModel<Grant> = {
    readsRequest: true,
    callerOf(claims) {
      if (typeof claims.sub !== 'string') return { reason: 'CLAIM_INVALID' };
      const grant = grants.get(claims.sub) ?? Object.freeze({ sub: claims.sub });
      grants.set(claims.sub, grant);
      return { principal: claims.sub, grant };
    },
    allows(grant, request) {
      seen.push(request);
      return decide(grant, request);
    },
    permittedCount: () => 2,
    policyOf(grant, request) {
      const own =
        request.kind === 'http' && decide(grant, request) ? [`${request.method}${request.path}`] : [];
      return { allow: own, deny: [] };
    },
    deniedFields: () => [],
    cacheable(request) {
      if (request.kind !== 'http' || request.path !== '/search') return !('cachedByRouteKey' in request);
      // The query string is in no ARN: only an answer for this request alone may depend on it.
      return (
        request.queryStringParameters !== undefined &&
        !request.cachedByToken &&
        !('cachedByRouteKey' in request)
      );
    },
    forRouters() {
      routers.push(1);
      return model;
    },
  };
  return { model, seen, routers };
}

const verifier = localVerifier();
const token = accessToken(key(), { sub: 'alice' });
const bearer = `Bearer ${token}`;

describe('an access model in place of rules', () => {
  it('gets the parameters of REQUEST and HTTP API events, nothing of TOKEN events but the ARN', async () => {
    const { model, seen } = ownRecords();
    const handler = createAuthorizer({ verifier, rules: model, logger: () => {} });
    const request = {
      ...requestEvent({ Authorization: bearer }, 'GET/records/alice'),
      pathParameters: { id: 'alice', n: 5 as unknown as string },
      queryStringParameters: null,
    };
    await handler(request);
    expect(seen.at(-1)).toEqual({
      kind: 'http',
      method: 'GET',
      path: '/records/alice',
      cachedByToken: true,
      pathParameters: { id: 'alice' },
      queryStringParameters: {},
    });
    await handler(tokenEvent(bearer, 'GET/records/alice'));
    expect(seen.at(-1)).toEqual({ kind: 'http', method: 'GET', path: '/records/alice', cachedByToken: true });
    await handler({ ...httpApiEvent(bearer, 'GET/search'), queryStringParameters: { q: 'x' } });
    expect(seen.at(-1)).toMatchObject({ cachedByToken: true, queryStringParameters: { q: 'x' } });
  });

  it('answers with the model’s policy for the request, and refuses what its cache would reuse wrongly', async () => {
    const { model } = ownRecords();
    const logs = captureLogs();
    const handler = createAuthorizer({ verifier, rules: model, logger: logs.logger });
    const own = (await handler(tokenEvent(bearer, 'GET/records/alice'))) as AuthorizerPolicyResult;
    expect(own.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${PREFIX}GET/records/alice`] },
    ]);
    expect(own.context).toMatchObject({ sub: 'alice', groups: '[]', tokenUse: 'access' });
    const other = (await handler(tokenEvent(bearer, 'GET/records/bob'))) as AuthorizerPolicyResult;
    expect(other.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [`${PREFIX}*`] },
    ]);
    // A REST policy is cached by token while the cache is on: a query-string decision cannot be reused.
    const search = {
      ...requestEvent({ Authorization: bearer }, 'GET/search'),
      queryStringParameters: { q: 'x' },
    };
    await handler(search);
    expect(logs.entries.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_CACHEABLE' });
    const uncached = createAuthorizer({ verifier, rules: model, restApiCache: 'off', logger: logs.logger });
    const allowed = (await uncached(search)) as AuthorizerPolicyResult;
    expect(logs.entries.at(-1)).toMatchObject({ decision: 'Allow', reason: 'ALLOWED' });
    expect(allowed.policyDocument.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Resource: [`${PREFIX}GET/search`],
    });
    // A TOKEN event has no query string, whatever the cache.
    await uncached(tokenEvent(bearer, 'GET/search'));
    expect(logs.entries.at(-1)).toMatchObject({ decision: 'Deny', reason: 'ROUTE_NOT_CACHEABLE' });
  });

  it('HTTP API simple answers: cached by route key while the cache is on, for this request alone when off', async () => {
    const { model, seen } = ownRecords();
    const event = { ...httpApiEvent(bearer, 'GET/search'), queryStringParameters: { q: 'x' } };
    const on = createAuthorizer({ verifier, rules: model, httpApiResponse: 'simple', logger: () => {} });
    expect(((await on(event)) as SimpleAuthorizerResult).isAuthorized).toBe(false);
    expect(seen.at(-1)).toMatchObject({ cachedByRouteKey: 'GET /search' });
    const off = createAuthorizer({
      verifier,
      rules: model,
      httpApiResponse: 'simple',
      httpApiCache: 'off',
      logger: () => {},
    });
    expect(((await off(event)) as SimpleAuthorizerResult).isAuthorized).toBe(true);
    expect(seen.at(-1)).not.toHaveProperty('cachedByRouteKey');
    expect(seen.at(-1)).not.toHaveProperty('cachedByToken');
  });

  it('AppSync: a model that refuses the request as a whole lets no field through (route rules let callers in)', async () => {
    const { model } = ownRecords();
    const handler = createAuthorizer({ verifier, rules: model, logger: () => {} });
    const event = { authorizationToken: token, requestContext: { apiId: 'api', operationName: 'q' } };
    expect(await handler(event)).toEqual({ isAuthorized: false, ttlOverride: 0 });
  });

  it('the authenticator asks the model to fit framework routers, and refuses one that cannot', async () => {
    const { model, routers } = ownRecords();
    const authenticate = createAuthenticator({ verifier, rules: model, logger: () => {} });
    expect(routers).toEqual([1]);
    expect(
      (await authenticate({ method: 'GET', path: '/records/alice', authorization: bearer })).status,
    ).toBe(200);
    expect((await authenticate({ method: 'GET', path: '/records/bob', authorization: bearer })).status).toBe(
      403,
    );
    const { forRouters: _, ...without } = model;
    const error = configError(() => createAuthenticator({ verifier, rules: without as AccessModel }));
    expect(placeOf(error)).toBe('rules');
  });
});

describe('an access model with the COGAUTH_* environment', () => {
  const env = { COGAUTH_USER_POOL_ID: POOL_ID, COGAUTH_CLIENT_IDS: '*' };

  it('takes the place of COGAUTH_RULES, which must then be unset', () => {
    const { model } = ownRecords();
    expect(readEnvironment(env, model).rules).toBe(model);
    expect(typeof handlerFromEnv(env, model)).toBe('function');
    const both = configError(() => readEnvironment({ ...env, COGAUTH_RULES: '[{"route":"GET /x"}]' }, model));
    expect(placeOf(both)).toBe('COGAUTH_RULES');
    expect(placeOf(configError(() => readEnvironment(env)))).toBe('COGAUTH_RULES');
  });

  it('COGAUTH_REST_API_CACHE states the REST cache is off; writeEnvironment writes no rules without them', () => {
    const { model } = ownRecords();
    expect(readEnvironment({ ...env, COGAUTH_REST_API_CACHE: 'off' }, model).restApiCache).toBe('off');
    expect(readEnvironment(env, model).restApiCache).toBe('on');
    const bad = configError(() => readEnvironment({ ...env, COGAUTH_REST_API_CACHE: 'no' }, model));
    expect(bad).toBeInstanceOf(ConfigError);
    expect(placeOf(bad)).toBe('COGAUTH_REST_API_CACHE');
    const written = writeEnvironment({
      verifier: { userPoolId: POOL_ID, clientId: null, tokenUse: null },
      restApiCache: 'off',
    });
    expect(written).toEqual({
      COGAUTH_USER_POOL_ID: POOL_ID,
      COGAUTH_CLIENT_IDS: '*',
      COGAUTH_TOKEN_USE: 'any',
      COGAUTH_HTTP_API_RESPONSE: 'iam',
      COGAUTH_REST_API_CACHE: 'off',
    });
  });
});

import type { CedarValueJson, Context, EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/web';
import { type CognitoClaims, VerifyError } from '@cogauth/core';
import {
  GROUPS_CLAIM,
  PATH_PARAMETERS,
  poolScopedId,
  QUERY_PARAMETERS,
  SCOPE_CLAIM,
  scopeSet,
  TOKEN_CONTEXT,
  userPoolIdOf,
} from './conventions.js';
import type { Model } from './model.js';
import type { RouteAction } from './routes.js';
import type { ValueType } from './schema.js';
import { cedarValue } from './values.js';

/** The principal Verified Permissions derives from a token, as Cedar entities, plus what context needs. */
export interface Principal {
  /** `<user pool id>|<sub>`. */
  readonly id: string;
  readonly uid: TypeAndId;
  readonly entities: EntityJson[];
  /** Access tokens: the claims that become `context.token` (null for ID tokens). */
  readonly token: Readonly<Record<string, unknown>> | null;
  /** Equal for principals every policy must treat alike (see `classKey`). */
  readonly key: string;
}

/** The request's own context, for routes whose policies read it. */
export interface RequestContext {
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly queryStringParameters: Readonly<Record<string, string>>;
}

/**
 * The principal for verified claims, as an API-linked policy store's identity source makes it: the user
 * pool id comes from the configured `userPoolId` or the token's `iss`. Throws VerifyError `CLAIM_INVALID`
 * without a `sub` or a pool id.
 */
export function principalOf(model: Model, claims: CognitoClaims): Principal {
  const sub = claims.sub;
  const pool = model.userPoolId ?? userPoolIdOf(claims.iss);
  if (typeof sub !== 'string' || sub === '' || pool === undefined)
    throw new VerifyError('CLAIM_INVALID', 'the token has no sub or no user pool id in iss');
  const id = poolScopedId(pool, sub);
  const uid = { type: model.types.user, id };
  const groups = groupsOf(claims);
  const parents = groups.map((g) => ({ type: model.types.group, id: poolScopedId(pool, g) }));
  const isId = claims.token_use === 'id';
  const own = withoutGroups(claims);
  const attrs = isId ? attributes(own, model.userAttributes) : {};
  const entities: EntityJson[] = [{ uid, attrs, parents }];
  for (const p of parents) entities.push({ uid: p, attrs: {}, parents: [] });
  const token = isId ? null : own;
  return { id, uid, entities, token, key: classKey(model, id, parents, attrs, token) };
}

function groupsOf(claims: CognitoClaims): string[] {
  const raw = claims[GROUPS_CLAIM];
  if (!Array.isArray(raw)) return [];
  return [...new Set(raw.filter((g): g is string => typeof g === 'string'))].sort();
}

function withoutGroups(claims: CognitoClaims): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(claims)) if (key !== GROUPS_CLAIM) own[key] = claims[key];
  return own;
}

function attributes(
  claims: Record<string, unknown>,
  declared: Model['userAttributes'],
): Record<string, CedarValueJson> {
  const out: Record<string, CedarValueJson> = {};
  for (const key of Object.keys(claims)) {
    if (key.startsWith('__') || (declared && !Object.hasOwn(declared, key))) continue;
    const value = cedarValue(claims[key], declared?.[key]?.type);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * Two principals get the same decision for every action when everything the request is built from is
 * equal: the groups, the attributes and token claims the schema lets through, and the user's id only when
 * some policy names a user entity (Cedar exposes an entity's id in no other way). Claims the schema
 * drops (`exp`, `jti`…) do not count, so every token of the same kind of caller shares one evaluation.
 */
function classKey(
  model: Model,
  id: string,
  parents: readonly TypeAndId[],
  attrs: Readonly<Record<string, CedarValueJson>>,
  token: Readonly<Record<string, unknown>> | null,
): string {
  const tokenPart = token === null ? null : pick(token, model.tokenKeys);
  return JSON.stringify([model.namesUser ? id : '', parents.map((p) => p.id), attrs, tokenPart]);
}

function pick(claims: Readonly<Record<string, unknown>>, keys: ReadonlySet<string> | null): unknown {
  if (keys === null) return claims;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(claims)) if (keys.has(key)) out[key] = claims[key];
  return out;
}

/**
 * The context of one action's request: `token` for access tokens (where the action declares it, or always
 * without a schema), and the request's parameters where given and declared.
 */
export function contextFor(
  model: Model,
  principal: Principal,
  action: RouteAction,
  request?: RequestContext,
): Context {
  const shape = model.contextShape(action);
  const context: Record<string, CedarValueJson> = {};
  if (principal.token !== null && shape.token !== undefined) {
    const token = tokenValue(principal.token, shape.token);
    if (token !== undefined) context[TOKEN_CONTEXT] = token;
  }
  if (request) {
    if (shape.pathParameters) context[PATH_PARAMETERS] = strings(request.pathParameters);
    if (shape.queryStringParameters) context[QUERY_PARAMETERS] = strings(request.queryStringParameters);
  }
  return context;
}

function tokenValue(
  claims: Readonly<Record<string, unknown>>,
  type: ValueType | null,
): CedarValueJson | undefined {
  const withScope: Record<string, unknown> = { ...claims };
  const scope = scopeSet(claims[SCOPE_CLAIM]);
  if (scope === undefined) delete withScope[SCOPE_CLAIM];
  else withScope[SCOPE_CLAIM] = scope;
  return cedarValue(withScope, type ?? undefined);
}

function strings(values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(values)) {
    const v = values[key];
    if (typeof v === 'string' && !key.startsWith('__')) out[key] = v;
  }
  return out;
}

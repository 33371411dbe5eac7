import { ConfigError } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import { isRecord } from '../util/guards.js';

export type ContextValue = string | number | boolean;
export type AuthorizerContext = Record<string, ContextValue>;

/**
 * sub, username, groups (a JSON array string, `[]` when none: a group name may hold `,`), scope (access
 * tokens), tokenUse, clientId (`client_id` or `aud`), email (id tokens whose `email_verified` is true).
 */
export function defaultContext(claims: CognitoClaims): AuthorizerContext {
  const ctx: AuthorizerContext = { sub: claims.sub };
  const username = claims.token_use === 'id' ? claims['cognito:username'] : claims.username;
  if (typeof username === 'string') ctx.username = username;
  const groups = claims['cognito:groups'];
  ctx.groups = JSON.stringify(Array.isArray(groups) ? groups : []);
  if (typeof claims.scope === 'string') ctx.scope = claims.scope;
  // An ALB's user claims (`createAlbVerifier`) have no token_use.
  if (typeof claims.token_use === 'string') ctx.tokenUse = claims.token_use;
  const clientId = claims.token_use === 'id' ? claims.aud : claims.client_id;
  if (typeof clientId === 'string') ctx.clientId = clientId;
  if (claims.token_use === 'id' && typeof claims.email === 'string' && emailVerified(claims))
    ctx.email = claims.email;
  return ctx;
}

/** Cognito writes `email_verified` as `true` or `"true"` depending on the token. */
function emailVerified(claims: CognitoClaims): boolean {
  const verified: unknown = claims.email_verified;
  return verified === true || verified === 'true';
}

/**
 * Converts values to what API Gateway accepts in an authorizer `context`: strings, finite numbers and
 * booleans pass; `null`/`undefined` are dropped; arrays are joined with `,` (elements converted with
 * `String`, objects JSON-encoded); plain objects are JSON-encoded. NaN/Infinity, bigint, functions and
 * symbols are refused with a ConfigError naming the key.
 */
export function toAuthorizerContext(input: Readonly<Record<string, unknown>>): AuthorizerContext {
  if (!isRecord(input)) throw new ConfigError('context', 'must be an object');
  const out: AuthorizerContext = {};
  for (const key of Object.keys(input)) {
    const value = contextValue(key, input[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function contextValue(key: string, value: unknown): ContextValue | undefined {
  if (key === '') throw new ConfigError('context', 'keys must not be empty');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new ConfigError(['context', key], 'must be a finite number');
      return value;
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      if (Array.isArray(value)) return value.map((v) => arrayElement(key, v)).join(',');
      return json(key, value);
    default:
      throw new ConfigError(['context', key], `a ${typeof value} cannot be passed in an authorizer context`);
  }
}

function arrayElement(key: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return json(key, value);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new ConfigError(['context', key], 'must be finite');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new ConfigError(['context', key], `a ${typeof value} cannot be passed in an authorizer context`);
}

function json(key: string, value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number');
      return v;
    });
  } catch (cause) {
    throw new ConfigError(['context', key], `cannot be JSON-encoded (${(cause as Error).message})`);
  }
}

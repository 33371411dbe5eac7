import { createRequire } from 'node:module';
import type { AuthorizationCall, CedarValueJson, EntityJson } from '@cedar-policy/cedar-wasm/web';

/**
 * The Cedar engine through its other entry (`nodejs`: its own WebAssembly instance), with entities the
 * test builds itself from the documented conventions: the reference the engine is compared with.
 */
const cedar = createRequire(import.meta.url)('@cedar-policy/cedar-wasm/nodejs') as {
  isAuthorized(
    call: AuthorizationCall,
  ): ReturnType<typeof import('@cedar-policy/cedar-wasm/web').isAuthorized>;
};

export function directDecision(options: {
  namespace: string;
  pool: string;
  policies: string;
  schema?: object;
  claims: Readonly<Record<string, unknown>>;
  action: string;
  context?: Record<string, CedarValueJson>;
  userAttributes?: readonly string[];
}): 'allow' | 'deny' {
  const { namespace: ns, pool, claims } = options;
  const groups = (claims['cognito:groups'] as string[] | undefined) ?? [];
  const user = { type: `${ns}::User`, id: `${pool}|${claims.sub as string}` };
  const parents = groups.map((g) => ({ type: `${ns}::UserGroup`, id: `${pool}|${g}` }));
  const attrs: Record<string, CedarValueJson> = {};
  const context: Record<string, CedarValueJson> = { ...options.context };
  if (claims.token_use === 'id') {
    for (const key of options.userAttributes ?? [])
      if (typeof claims[key] === 'string') attrs[key] = claims[key] as string;
  } else if (typeof claims.scope === 'string' || typeof claims.client_id === 'string') {
    const token: Record<string, CedarValueJson> = {};
    if (typeof claims.scope === 'string') token.scope = claims.scope.split(' ').filter((s) => s !== '');
    if (typeof claims.client_id === 'string') token.client_id = claims.client_id;
    context.token = token;
  }
  const entities: EntityJson[] = [
    { uid: user, attrs, parents },
    ...parents.map((p) => ({ uid: p, attrs: {}, parents: [] })),
  ];
  const call: AuthorizationCall = {
    principal: user,
    action: { type: `${ns}::Action`, id: options.action },
    resource: { type: `${ns}::Application`, id: ns },
    context,
    entities,
    policies: { staticPolicies: options.policies },
    ...(options.schema ? { schema: options.schema as AuthorizationCall['schema'] } : {}),
  };
  const answer = cedar.isAuthorized(call);
  if (answer.type === 'failure') throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.response.decision;
}

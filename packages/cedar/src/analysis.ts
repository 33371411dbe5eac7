import type { PolicyJson } from '@cedar-policy/cedar-wasm/web';
import { TOKEN_CONTEXT } from './conventions.js';

/** What one policy's text says about the requests it can depend on, read from Cedar's JSON form of it. */
export interface PolicyFacts {
  /** `all`, or the action ids its action scope names (`==`, `in` one or a list) of the namespace's Action type. */
  readonly actions: 'all' | readonly string[];
  /** Whether it reads `context` beyond `context.token` (the token's claims), i.e. the request itself. */
  readonly readsRequest: boolean;
  /** The request context attributes it reads (`pathParameters`, `queryStringParameters`, …). */
  readonly requestAttributes: readonly string[];
  /** Whether an entity of the user type appears anywhere in it (`principal == User::"…"`). */
  readonly namesUser: boolean;
  /** Every action id it names anywhere (scope or conditions), for action lists without a schema. */
  readonly actionLiterals: readonly string[];
}

type Node = unknown;

/** Walks the policy once (an explicit stack: no recursion depth to exhaust). */
export function policyFacts(policy: PolicyJson, userType: string, actionType: string): PolicyFacts {
  const request = new Set<string>();
  const literals = new Set<string>();
  let wholeContext = false;
  let namesUser = false;
  const stack: Node[] = [policy.principal, policy.action, policy.resource, policy.conditions];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const n of node) stack.push(n);
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const obj = node as Record<string, unknown>;
    const read = contextRead(obj);
    if (read !== undefined) {
      if (read !== TOKEN_CONTEXT) request.add(read);
      continue;
    }
    if (obj.Var === 'context') wholeContext = true;
    if (typeof obj.type === 'string' && typeof obj.id === 'string') {
      if (obj.type === userType) namesUser = true;
      if (obj.type === actionType) literals.add(obj.id);
    }
    for (const value of Object.values(obj)) stack.push(value);
  }
  const requestAttributes = [...request].sort();
  return {
    actions: scopeActions(policy, actionType),
    readsRequest: wholeContext || requestAttributes.length > 0,
    requestAttributes: wholeContext ? [...requestAttributes, '*'] : requestAttributes,
    namesUser,
    actionLiterals: [...literals].sort(),
  };
}

/** `context.x` or `context has x`: the attribute read (the first of a `has` path). */
function contextRead(obj: Record<string, unknown>): string | undefined {
  const access = (obj['.'] ?? obj.has) as { left?: { Var?: unknown }; attr?: unknown } | undefined;
  if (typeof access !== 'object' || access === null || access.left?.Var !== 'context') return undefined;
  const attr = Array.isArray(access.attr) ? access.attr[0] : access.attr;
  return typeof attr === 'string' ? attr : undefined;
}

function scopeActions(policy: PolicyJson, actionType: string): 'all' | readonly string[] {
  const scope = policy.action;
  if (scope.op === 'All') return 'all';
  const uids = 'entities' in scope ? scope.entities : 'entity' in scope ? [scope.entity] : [];
  const ids: string[] = [];
  for (const uid of uids) {
    const plain = '__entity' in uid ? uid.__entity : uid;
    if (plain.type === actionType) ids.push(plain.id);
  }
  return ids;
}

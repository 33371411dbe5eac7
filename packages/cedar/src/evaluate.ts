import type { Context } from '@cedar-policy/cedar-wasm/web';
import type { Principal } from './entities.js';
import type { Model } from './model.js';
import type { RouteAction } from './routes.js';
import type { Cedar } from './wasm.js';

/** A policy that could not be evaluated for a request, and Cedar's reason. */
export interface PolicyError {
  readonly policyId: string;
  readonly message: string;
}

/** Cedar's answer for one action: the decision, the policies that determined it, the policies that erred. */
export interface Evaluation {
  readonly allow: boolean;
  /** Allow: the permits that held; deny: the forbids that held (empty when nothing permitted). */
  readonly determining: readonly string[];
  readonly errors: readonly PolicyError[];
}

/** The policy set and schema, parsed once into the engine's own cache (Cedar's "stateful" calls). */
export interface Runtime {
  readonly cedar: Cedar;
  readonly model: Model;
  readonly policySetId: string;
  readonly schemaName: string | undefined;
}

/**
 * One `isAuthorized` call: the principal's entities, the action, `Application::"<namespace>"` and the
 * context. A request Cedar refuses (an entity that does not fit the schema) is a deny with that error.
 */
export function evaluate(
  rt: Runtime,
  principal: Principal,
  action: RouteAction,
  context: Context,
): Evaluation {
  const { model } = rt;
  const call = {
    principal: principal.uid,
    action: { type: model.types.action, id: action.id },
    resource: { type: model.types.application, id: model.namespace },
    context,
    entities: principal.entities,
    preparsedPolicySetId: rt.policySetId,
    validateRequest: false,
  };
  const answer = rt.cedar.statefulIsAuthorized(
    rt.schemaName === undefined ? call : { ...call, preparsedSchemaName: rt.schemaName },
  );
  if (answer.type === 'failure') {
    const message = answer.errors.map((e) => e.message).join('; ') || 'request refused by Cedar';
    return { allow: false, determining: [], errors: [{ policyId: '', message }] };
  }
  const { decision, diagnostics } = answer.response;
  return {
    allow: decision === 'allow',
    determining: diagnostics.reason,
    errors: diagnostics.errors.map((e) => ({ policyId: e.policyId, message: e.error.message })),
  };
}

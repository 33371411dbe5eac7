import type { PolicyJson, SchemaJson } from '@cedar-policy/cedar-wasm/web';
import { type CognitoClaims, ConfigError } from '@cogauth/core';
import { type AccessModel, type DecisionRequest, routeGrants } from '@cogauth/core/rules';
import { CedarAccess } from './access.js';
import { type PolicyFacts, policyFacts } from './analysis.js';
import { PATH_PARAMETERS, QUERY_PARAMETERS, TOKEN_CONTEXT } from './conventions.js';
import { type CedarDecision, type CedarExplanation, type CedarRequest, Decider } from './decide.js';
import type { Runtime } from './evaluate.js';
import { type CedarGrant, Grants } from './grant.js';
import {
  contextShapes,
  type Model,
  membersOf,
  namespaceOf,
  publicActionsOf,
  type RequestContextReads,
  routeActions,
  typesOf,
  userAttributesOf,
} from './model.js';
import {
  charOffset,
  describe,
  lineColumn,
  type PoliciesInput,
  type PolicySource,
  policySources,
} from './policy-source.js';
import type { CedarAction, RouteAction } from './routes.js';
import { parseSchema, type SchemaInput } from './schema.js';
import { type Cedar, type CedarWasm, cedarEngine } from './wasm.js';

export interface CedarOptions {
  /** Cedar policies: one text (ids from `@id("…")`, else `policy0`, `policy1`…), or texts by policy id. */
  readonly policies: PoliciesInput;
  /** The policy store's schema: JSON as Verified Permissions exports it, or Cedar schema text. */
  readonly schema?: SchemaInput;
  /** The Cedar namespace (`MyApi`); default: the only one the schema (or the policies' actions) use. */
  readonly namespace?: string;
  /** The user pool id in principal and group ids; default: the one at the end of the token's `iss`. */
  readonly userPoolId?: string;
  /** The engine's WebAssembly (bytes or module), for bundles; default: read from `@cedar-policy/cedar-wasm`. */
  readonly wasm?: CedarWasm;
}

/**
 * Cedar policies loaded once, deciding for verified Cognito claims. It is core's access model too: pass it
 * as `rules` to `createAuthorizer`, `createAuthenticator` or the framework adapters.
 */
export interface CedarEngine extends AccessModel<CedarGrant> {
  readonly namespace: string;
  /** The route actions (`get /users/{id}`), from the schema or, without one, from the policies. */
  readonly actions: readonly CedarAction[];
  readonly actionsFrom: 'schema' | 'policies';
  /** What per-request routes read from the request: an answer for them must be cached by these too. */
  readonly requestContext: RequestContextReads;
  /** What the principal may do on the routes answered by token; memoised per (frozen) claims object. */
  permitted(claims: CognitoClaims): CedarGrant;
  /** The decision for one request (never throws for claims without a principal: CLAIM_INVALID). */
  decide(claims: CognitoClaims, request: CedarRequest): CedarDecision;
  /** The decision with Cedar's reasons: which policies permitted or forbade each matching action. */
  explain(claims: CognitoClaims, request: CedarRequest): CedarExplanation;
}

let loaded = 0;

/**
 * Parses the policies and the schema once, validates the policies against the schema (strict mode, as
 * Verified Permissions does) and returns the engine. Throws a ConfigError naming the policy and its
 * line:column for a policy that does not parse or validate.
 */
export function loadCedar(options: CedarOptions): CedarEngine {
  if (typeof options !== 'object' || options === null) throw new ConfigError('options', 'must be an object');
  const cedar = cedarEngine(options.wasm);
  const sources = policySources(cedar, options.policies);
  const schema = options.schema === undefined ? undefined : parseSchema(cedar, options.schema);
  const json = sources.map((s) => policyJson(cedar, s));
  const namespace = namespaceOf(options.namespace, schema, json);
  const types = typesOf(namespace);
  if (schema) validate(cedar, schema.json, sources);
  const facts = json.map((j) => policyFacts(j, types.user, types.action));
  const reads = requestReadsOf(facts, sources, membersOf(schema, namespace));
  const actions = routeActions(namespace, schema, facts, reads);
  const shapes = contextShapes(schema, namespace);
  const model: Model = {
    namespace,
    types,
    userPoolId: userPoolIdOption(options.userPoolId),
    schema,
    policies: sources,
    actions,
    publicActions: publicActionsOf(actions),
    actionsFrom: schema ? 'schema' : 'policies',
    requestContext: requestReads(actions),
    userAttributes: userAttributesOf(schema, namespace),
    tokenKeys: tokenKeysOf(actions.map((a) => shapes(a.id))),
    namesUser: facts.some((f) => f.namesUser),
    contextShape: (action) => shapes(action.id),
  };
  return engineOf(runtimeOf(cedar, model));
}

function policyJson(cedar: Cedar, source: PolicySource): PolicyJson {
  const json = cedar.policyToJson(source.text);
  if (json.type === 'failure')
    throw new ConfigError(source.origin, `policy ${source.id}: ${describe(json.errors[0])}`);
  return json.json;
}

function validate(cedar: Cedar, schema: SchemaJson<string>, sources: readonly PolicySource[]): void {
  const byId = Object.fromEntries(sources.map((s) => [s.id, s.text]));
  const answer = cedar.validate({
    schema,
    policies: { staticPolicies: byId },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') throw new ConfigError('schema', describe(answer.errors[0]));
  const first = answer.validationErrors[0];
  if (!first) return;
  const source = sources.find((s) => s.id === first.policyId);
  const byte = first.error.sourceLocations?.[0]?.start;
  if (!source || byte === undefined)
    throw new ConfigError('policies', `policy ${first.policyId}: ${describe(first.error)}`);
  const at = source.offset + charOffset(source.text, byte);
  throw new ConfigError(
    source.origin,
    `policy ${source.id} at ${lineColumn(source.source, at)}: ${describe(first.error)}`,
  );
}

/**
 * What each action's policies read of the request (`pathParameters`, `queryStringParameters`), by action id:
 * a policy reads for every action its scope names (action groups expanded), or for all. A policy that reads
 * any other part of `context` is refused: no request gives it, so it could only err, and an erring `forbid`
 * is skipped.
 */
function requestReadsOf(
  facts: readonly PolicyFacts[],
  sources: readonly PolicySource[],
  members: (id: string) => Set<string>,
): (id: string) => ReadonlySet<string> {
  const everywhere = new Set<string>();
  const byId = new Map<string, Set<string>>();
  facts.forEach((f, i) => {
    if (!f.readsRequest) return;
    const source = sources[i] as PolicySource;
    const other = f.requestAttributes.find((a) => a !== PATH_PARAMETERS && a !== QUERY_PARAMETERS);
    if (other !== undefined)
      throw new ConfigError(
        source.origin,
        `policy ${source.id} reads ${other === '*' ? 'context as a whole' : `context.${other}`}, which no ` +
          `request has: context holds ${TOKEN_CONTEXT}, ${PATH_PARAMETERS} and ${QUERY_PARAMETERS} only`,
      );
    const ids = f.actions === 'all' ? undefined : f.actions.flatMap((id) => [...members(id)]);
    for (const attr of f.requestAttributes) {
      if (ids === undefined) everywhere.add(attr);
      else for (const id of ids) byId.set(id, (byId.get(id) ?? new Set()).add(attr));
    }
  });
  return (id) => new Set([...everywhere, ...(byId.get(id) ?? [])]);
}

function requestReads(actions: readonly RouteAction[]): RequestContextReads {
  return {
    pathParameters: actions.some((a) => a.readsPath),
    queryStringParameters: actions.some((a) => a.readsQuery),
  };
}

function tokenKeysOf(shapes: readonly ReturnType<Model['contextShape']>[]): ReadonlySet<string> | null {
  const keys = new Set<string>();
  for (const shape of shapes) {
    if (shape.token === null) return null;
    if (shape.token?.kind === 'Record') for (const k of Object.keys(shape.token.attributes)) keys.add(k);
  }
  return keys;
}

function userPoolIdOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.includes('|'))
    throw new ConfigError('userPoolId', 'must be a user pool id such as "us-east-1_AbC123"');
  return value;
}

function runtimeOf(cedar: Cedar, model: Model): Runtime {
  const id = `cogauth-cedar-${++loaded}`;
  const byId = Object.fromEntries(model.policies.map((s) => [s.id, s.text]));
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: byId });
  if (parsed.type === 'failure') throw new ConfigError('policies', describe(parsed.errors[0]));
  if (!model.schema) return { cedar, model, policySetId: id, schemaName: undefined };
  const schema = cedar.preparseSchema(id, model.schema.json);
  if (schema.type === 'failure') throw new ConfigError('schema', describe(schema.errors[0]));
  return { cedar, model, policySetId: id, schemaName: id };
}

function engineOf(rt: Runtime): CedarEngine {
  const routes = routeGrants(rt.model.actions.map((a) => a.route));
  const grants = new Grants(rt, routes);
  const access = new CedarAccess(rt, grants, routes);
  const decider = new Decider(rt, access, routes);
  return Object.freeze({
    namespace: rt.model.namespace,
    actions: rt.model.publicActions,
    actionsFrom: rt.model.actionsFrom,
    requestContext: rt.model.requestContext,
    permitted: (claims: CognitoClaims) => grants.of(claims),
    decide: (claims: CognitoClaims, request: CedarRequest) => decider.decide(claims, request),
    explain: (claims: CognitoClaims, request: CedarRequest) => decider.explain(claims, request),
    // Core's access model: what createAuthorizer and createAuthenticator call.
    readsRequest: access.readsRequest,
    callerOf: (claims: CognitoClaims) => access.callerOf(claims),
    allows: (grant: CedarGrant, request: DecisionRequest) => access.allows(grant, request),
    permittedCount: (grant: CedarGrant) => access.permittedCount(grant),
    policyOf: (grant: CedarGrant, request: DecisionRequest) => access.policyOf(grant, request),
    deniedFields: () => access.deniedFields(),
    cacheable: (request: DecisionRequest) => access.cacheable(request),
    forRouters: () => access.forRouters(),
  });
}

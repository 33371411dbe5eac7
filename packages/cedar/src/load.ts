import type { PolicyJson, SchemaJson } from '@cedar-policy/cedar-wasm/web';
import { type CognitoClaims, ConfigError } from '@cogauth/core';
import { type PolicyFacts, policyFacts } from './analysis.js';
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
import type { CedarAction } from './routes.js';
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

/** Cedar policies loaded once, deciding for verified Cognito claims. */
export interface CedarEngine {
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
  const perRequest = perRequestActions(facts, membersOf(schema, namespace));
  const actions = routeActions(namespace, schema, facts, (id) => perRequest === 'all' || perRequest.has(id));
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
    requestContext: requestReads(facts),
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

function perRequestActions(
  facts: readonly PolicyFacts[],
  members: (id: string) => Set<string>,
): 'all' | Set<string> {
  const out = new Set<string>();
  for (const f of facts) {
    if (!f.readsRequest) continue;
    if (f.actions === 'all') return 'all';
    for (const id of f.actions) for (const m of members(id)) out.add(m);
  }
  return out;
}

function requestReads(facts: readonly PolicyFacts[]): RequestContextReads {
  const attrs = new Set(facts.flatMap((f) => f.requestAttributes));
  const known = ['pathParameters', 'queryStringParameters'];
  return {
    pathParameters: attrs.has('pathParameters'),
    queryStringParameters: attrs.has('queryStringParameters'),
    other: [...attrs].filter((a) => !known.includes(a)).sort(),
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
  const grants = new Grants(rt);
  const decider = new Decider(rt, grants);
  return Object.freeze({
    namespace: rt.model.namespace,
    actions: rt.model.publicActions,
    actionsFrom: rt.model.actionsFrom,
    requestContext: rt.model.requestContext,
    permitted: (claims: CognitoClaims) => grants.of(claims),
    decide: (claims: CognitoClaims, request: CedarRequest) => decider.decide(claims, request),
    explain: (claims: CognitoClaims, request: CedarRequest) => decider.explain(claims, request),
  });
}

import type { NamespaceDefinition, SchemaJson } from '@cedar-policy/cedar-wasm/web';
import { ConfigError } from '@cogauth/core';
import { isRecord } from './guards.js';
import { charOffset, describe, lineColumn } from './policy-source.js';
import type { Cedar } from './wasm.js';

/** A schema as Verified Permissions exports it (JSON, as an object or text) or in Cedar's schema syntax. */
export type SchemaInput = string | Readonly<Record<string, unknown>>;

/** The attribute types cogauth builds values for; anything else (entities, extensions) is never built. */
export type ValueType =
  | { readonly kind: 'String' | 'Long' | 'Boolean' }
  | { readonly kind: 'Set'; readonly element: ValueType }
  | { readonly kind: 'Record'; readonly attributes: Readonly<Record<string, AttributeType>> }
  | { readonly kind: 'Other' };

export interface AttributeType {
  readonly type: ValueType;
  readonly required: boolean;
}

/** The schema in JSON form with the few questions cogauth asks of it. */
export interface Schema {
  readonly json: SchemaJson<string>;
  namespace(name: string): NamespaceDefinition<string> | undefined;
}

/**
 * The schema's JSON form (a ConfigError names line:column for Cedar syntax). Cedar parses the JSON form
 * itself when the policies are validated against it, which reports what is wrong in it.
 */
export function parseSchema(cedar: Cedar, input: SchemaInput): Schema {
  const json = toJson(cedar, input);
  return {
    json,
    namespace: (name) => (Object.hasOwn(json, name) ? json[name] : undefined),
  };
}

function toJson(cedar: Cedar, input: SchemaInput): SchemaJson<string> {
  if (isRecord(input)) return input as SchemaJson<string>;
  if (typeof input !== 'string')
    throw new ConfigError('schema', 'must be a JSON schema or Cedar schema text');
  const trimmed = input.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(input) as SchemaJson<string>;
    } catch (cause) {
      throw new ConfigError('schema', `is not valid JSON (${(cause as Error).message})`);
    }
  }
  const converted = cedar.schemaToJsonWithResolvedTypes(input);
  if (converted.type === 'failure') {
    const first = converted.errors[0];
    const byte = first?.sourceLocations?.[0]?.start;
    const where = byte === undefined ? '' : `${lineColumn(input, charOffset(input, byte))}: `;
    throw new ConfigError('schema', `${where}${describe(first)}`);
  }
  return converted.json;
}

/**
 * Resolves a JSON-schema type to the shapes cogauth fills: primitives, sets, records, and common types
 * (by name, in the namespace or qualified). Entity and extension types resolve to `Other`.
 */
export function resolveType(schema: Schema, ns: string, raw: unknown, depth = 0): ValueType {
  if (!isRecord(raw) || depth > 32) return { kind: 'Other' };
  const t = raw as { type?: unknown; name?: unknown; element?: unknown; attributes?: unknown };
  const name = t.type === 'EntityOrCommon' ? t.name : t.type;
  if (typeof name !== 'string') return { kind: 'Other' };
  switch (name) {
    case 'String':
    case 'Long':
    case 'Boolean':
    case '__cedar::String':
    case '__cedar::Long':
    case '__cedar::Bool':
      return { kind: primitive(name) };
    case 'Set':
      return { kind: 'Set', element: resolveType(schema, ns, t.element, depth + 1) };
    case 'Record':
      return { kind: 'Record', attributes: resolveAttributes(schema, ns, t.attributes, depth + 1) };
    default:
      return resolveCommon(schema, ns, name, depth + 1);
  }
}

function primitive(name: string): 'String' | 'Long' | 'Boolean' {
  if (name.endsWith('String')) return 'String';
  if (name.endsWith('Long')) return 'Long';
  return 'Boolean';
}

export function resolveAttributes(
  schema: Schema,
  ns: string,
  raw: unknown,
  depth = 0,
): Readonly<Record<string, AttributeType>> {
  const out: Record<string, AttributeType> = {};
  if (!isRecord(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const required = isRecord(value) ? (value as { required?: unknown }).required !== false : true;
    out[key] = { type: resolveType(schema, ns, value, depth), required };
  }
  return out;
}

function resolveCommon(schema: Schema, ns: string, name: string, depth: number): ValueType {
  const sep = name.lastIndexOf('::');
  const inNs = sep < 0 ? ns : name.slice(0, sep);
  const id = sep < 0 ? name : name.slice(sep + 2);
  const common = schema.namespace(inNs)?.commonTypes;
  if (common && Object.hasOwn(common, id)) return resolveType(schema, inNs, common[id], depth);
  return { kind: 'Other' };
}

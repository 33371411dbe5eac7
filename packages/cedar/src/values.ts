import type { CedarValueJson } from '@cedar-policy/cedar-wasm/web';
import type { AttributeType, ValueType } from './schema.js';

const MAX_DEPTH = 16;

/**
 * A token claim as a Cedar JSON value, or undefined when it has none. Without a type (no schema): strings,
 * booleans, safe integers, arrays (Sets) and objects (Records) pass; other numbers and null are dropped. With
 * a type from the schema: only a value of that type passes, records keep only declared attributes. Entity
 * and extension values are never built from a claim, and an object with a key that starts with `__` is
 * dropped whole: Cedar's JSON reads `{"__entity": …}` and `{"__extn": …}` as an entity reference or an
 * extension value, so a claim such as `{"__entity": {"type": "MyApi::User", "id": "…"}}` would otherwise
 * turn text from the token into a principal.
 */
export function cedarValue(value: unknown, type?: ValueType, depth = 0): CedarValueJson | undefined {
  if (depth > MAX_DEPTH || value === null || value === undefined) return undefined;
  if (type === undefined) return untyped(value, depth);
  switch (type.kind) {
    case 'String':
      return typeof value === 'string' ? value : undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'Long':
      return Number.isSafeInteger(value) ? (value as number) : undefined;
    case 'Set':
      return Array.isArray(value) ? setOf(value, type.element, depth) : undefined;
    case 'Record':
      return isPlainRecord(value) ? recordOf(value, type.attributes, depth) : undefined;
    default:
      return undefined;
  }
}

function untyped(value: unknown, depth: number): CedarValueJson | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (Array.isArray(value)) return setOf(value, undefined, depth);
  if (isPlainRecord(value)) return recordOf(value, undefined, depth);
  return undefined;
}

function setOf(values: readonly unknown[], element: ValueType | undefined, depth: number): CedarValueJson[] {
  const out: CedarValueJson[] = [];
  for (const v of values) {
    const c = cedarValue(v, element, depth + 1);
    if (c !== undefined) out.push(c);
  }
  return out;
}

function recordOf(
  value: Record<string, unknown>,
  attributes: Readonly<Record<string, AttributeType>> | undefined,
  depth: number,
): CedarValueJson | undefined {
  const out: Record<string, CedarValueJson> = {};
  for (const key of Object.keys(value)) {
    if (key.startsWith('__')) return undefined;
    if (attributes && !Object.hasOwn(attributes, key)) continue;
    const c = cedarValue(value[key], attributes?.[key]?.type, depth + 1);
    if (c !== undefined) out[key] = c;
  }
  return out;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

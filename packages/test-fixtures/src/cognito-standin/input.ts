import { fail } from './errors.js';

// Request members as the AWS JSON 1.1 protocol checks them: a member of the wrong JSON type is a
// SerializationException; a required member that is absent fails validation with Coral's message
// ("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be
// null"). Lengths follow the reference's constraints where one is given; unknown members are ignored.

export type Body = Record<string, unknown>;

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

function notNull(name: string) {
  return fail(
    'InvalidParameterException',
    `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
  );
}

function tooLong(name: string, max: number) {
  return fail(
    'InvalidParameterException',
    `1 validation error detected: Value at '${lowerFirst(name)}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  );
}

export function optionalString(body: Body, name: string, max = 131072): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw fail('SerializationException', `${name} must be a string`);
  if (value.length > max) throw tooLong(name, max);
  return value;
}

export function requiredString(body: Body, name: string, max = 131072): string {
  const value = optionalString(body, name, max);
  if (value === undefined) throw notNull(name);
  return value;
}

/** A map of string to string (AuthParameters, ChallengeResponses, ClientMetadata). */
export function stringMap(body: Body, name: string): Record<string, string> {
  const value = body[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail('SerializationException', `${name} must be a map of strings`);
  }
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    // amazon-cognito-identity-js sends `DEVICE_KEY: null` after forgetting a device; JSON null is "absent".
    if (entry === null) continue;
    if (typeof entry !== 'string') throw fail('SerializationException', `${name}.${key} must be a string`);
    out[key] = entry;
  }
  return out;
}

export function optionalStructure(body: Body, name: string): Body | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw fail('SerializationException', `${name} must be a structure`);
  }
  return value as Body;
}

export function optionalBoolean(body: Body, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw fail('SerializationException', `${name} must be a boolean`);
  return value;
}

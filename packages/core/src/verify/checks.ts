/** The claim checks of a pool as its options or one call's overrides give them, validated. */
import { ConfigError, type ConfigPath } from '../errors.js';
import type { CustomCheck } from '../types.js';
import { isRecord } from '../util/guards.js';
import type { ClaimRules } from './claims.js';

/** The checks of one pool, or of one verify() call with its overrides applied. */
export interface Checks {
  readonly rules: ClaimRules;
  readonly customCheck: CustomCheck | null;
}

/** Per-call overrides, validated: only the keys the caller gave. */
export interface ChecksPatch {
  readonly rules: Partial<ClaimRules>;
  readonly customCheck?: CustomCheck | null;
}

// The claim checks (option name → ClaimRules name); customCheck is the one check outside ClaimRules.
const RULE_NAMES: Record<string, keyof ClaimRules> = {
  tokenUse: 'tokenUse',
  clientId: 'clientIds',
  groups: 'groups',
  scopes: 'scopes',
  audience: 'audience',
  graceSeconds: 'graceSeconds',
};
export const CHECK_KEYS = new Set([...Object.keys(RULE_NAMES), 'customCheck']);
// aws-jwt-verify's names for options cogauth spells differently.
const RENAMED = new Map([
  ['scope', 'scopes'],
  ['customJwtCheck', 'customCheck'],
]);

export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: Set<string>,
  prefix: ConfigPath,
): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const renamed = RENAMED.get(key);
    const hint = renamed === undefined ? '' : ` (cogauth calls it ${renamed})`;
    throw new ConfigError([...prefix, key], `is not a known option${hint}`);
  }
}

export const NON_EMPTY_STRING = 'must be a non-empty string';

export function stringList(value: unknown, field: ConfigPath): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ConfigError(field, 'must not be an empty list');
  list.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw new ConfigError(Array.isArray(value) ? [...field, i] : field, NON_EMPTY_STRING);
    }
  });
  return list as string[];
}

/** One claim check from options or overrides; `undefined` never gets here. */
export function readCheck(key: string, value: unknown, field: ConfigPath): unknown {
  switch (key) {
    case 'tokenUse':
      if (value !== 'access' && value !== 'id' && value !== null)
        throw new ConfigError(field, "must be 'access', 'id' or null (null accepts both)");
      return value;
    case 'clientId':
    case 'groups':
    case 'scopes':
    case 'audience':
      return value === null ? null : stringList(value, field);
    case 'graceSeconds':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
        throw new ConfigError(field, 'must be a non-negative number of seconds');
      return value;
    default:
      if (value !== null && typeof value !== 'function')
        throw new ConfigError(field, 'must be a function (or null for none)');
      return value;
  }
}

/** Validates the overrides of one verify() call. Absent and undefined keys keep the pool's value. */
export function readOverrides(overrides: unknown): ChecksPatch {
  if (!isRecord(overrides)) throw new ConfigError('overrides', 'must be an object');
  rejectUnknownKeys(overrides, CHECK_KEYS, ['overrides']);
  const rules: Record<string, unknown> = {};
  let customCheck: CustomCheck | null | undefined;
  for (const key of Object.keys(overrides)) {
    const value = overrides[key];
    if (value === undefined) continue;
    const checked = readCheck(key, value, ['overrides', key]);
    if (key === 'customCheck') customCheck = checked as CustomCheck | null;
    else rules[RULE_NAMES[key] as string] = checked;
  }
  return customCheck === undefined ? { rules } : { rules, customCheck };
}

export function applyOverrides(checks: Checks, patch: ChecksPatch): Checks {
  return {
    rules: { ...checks.rules, ...patch.rules },
    customCheck: patch.customCheck === undefined ? checks.customCheck : patch.customCheck,
  };
}

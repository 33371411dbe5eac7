import { issuersOf, jwksUriOf, parseUserPoolId } from '../cognito/facts.js';
import { isLoopbackHost } from '../cognito/loopback.js';
import { ConfigError } from '../errors.js';
import type { CognitoClaims, CustomCheck } from '../types.js';
import { isRecord } from '../util/guards.js';
import type { ClaimRules } from './claims.js';
import { importJwk, isJwks, type KeyEntry, NOT_A_JWKS } from './jwk.js';
import type { JwksSettings } from './jwks.js';
import { ResultCache } from './result-cache.js';

export const DEFAULT_CACHE_ENTRIES = 1000;
export const DEFAULT_JWKS_TIMEOUT_MS = 3000;
export const DEFAULT_JWKS_MAX_BYTES = 64 * 1024;
export const DEFAULT_JWKS_PENALTY_MS = 10_000;
export const DEFAULT_JWKS_MAX_AGE_MS = 3_600_000;

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

export interface PoolConfig {
  readonly userPoolId: string | undefined;
  readonly issuers: string[];
  readonly jwksUri: string;
  readonly checks: Checks;
  readonly preloaded: Map<string, KeyEntry> | undefined;
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
const CHECK_KEYS = new Set([...Object.keys(RULE_NAMES), 'customCheck']);
const OPTION_KEYS = new Set([...CHECK_KEYS, 'userPoolId', 'issuer', 'jwksUri', 'jwks', 'allowInsecureHttp']);
const SETTING_KEYS = new Set([
  'cache',
  'jwksTimeoutMs',
  'jwksMaxBytes',
  'jwksPenaltyMs',
  'jwksMaxAgeMs',
  'jwksOffline',
]);
// aws-jwt-verify's names for options cogauth spells differently.
const RENAMED = new Map([
  ['scope', 'scopes'],
  ['customJwtCheck', 'customCheck'],
]);

function rejectUnknownKeys(value: Record<string, unknown>, known: Set<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    const renamed = RENAMED.get(key);
    const hint = renamed === undefined ? '' : ` (cogauth calls it ${renamed})`;
    throw new ConfigError(`${prefix}${key}`, `is not a known option${hint}`);
  }
}

const NON_EMPTY_STRING = 'must be a non-empty string';
export const POOL_ID_SHAPE = 'must look like <region>_<id>, e.g. us-east-1_AbC123';
export const NO_REGION = 'does not start with an AWS region (e.g. us-east-1_AbC123); for emulators set';

function parsedHttpUrl(value: unknown, field: string): URL {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(field, 'must be a non-empty URL string');
  if (/\s/.test(value)) throw new ConfigError(field, 'must not contain whitespace');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(field, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(field, 'must be an https:// or http:// URL');
  if (url.username !== '' || url.password !== '')
    throw new ConfigError(field, 'must not contain credentials');
  return url;
}

/**
 * An issuer or JWKS URL: https, or plain http to a loopback host (an emulator on this machine). Any other
 * http:// needs `allowInsecureHttp`, because anyone on the network path could swap in their own keys. The
 * issuer counts too: the default JWKS URL derives from it, and Cognito's issuers are https.
 */
export function trustedUrl(value: unknown, field: string, allowInsecureHttp: boolean): string {
  const url = parsedHttpUrl(value, field);
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      field,
      `is plain http:// to ${url.hostname}, which is not loopback (127.0.0.0/8, ::1, localhost): anyone on ` +
        'the network path could swap in their own keys. Use https://, or accept that risk with ' +
        'allowInsecureHttp: true (COGAUTH_ALLOW_INSECURE_HTTP=true)',
    );
  }
  return value as string;
}

/** The allowInsecureHttp option or setting: true, false or absent (false). */
export function insecureHttpOptIn(value: unknown, field: string): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ConfigError(field, 'must be true or false');
  return value === true;
}

function stringList(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ConfigError(field, 'must not be an empty list');
  list.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw new ConfigError(Array.isArray(value) ? `${field}[${i}]` : field, NON_EMPTY_STRING);
    }
  });
  return list as string[];
}

function positiveInteger(value: unknown, field: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new ConfigError(field, `must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

/** Validates a JWKS given by the caller (option, cacheJwks); every key must be usable. */
export function preloadedKeys(value: unknown, field: string): Map<string, KeyEntry> {
  if (!isJwks(value)) throw new ConfigError(field, NOT_A_JWKS);
  const keys = new Map<string, KeyEntry>();
  value.keys.forEach((jwk, i) => {
    const at = `${field}.keys[${i}]`;
    if (!isRecord(jwk)) throw new ConfigError(at, 'must be a JWK object');
    if (typeof jwk.kid !== 'string' || jwk.kid.length === 0)
      throw new ConfigError(`${at}.kid`, NON_EMPTY_STRING);
    if (keys.has(jwk.kid)) throw new ConfigError(`${at}.kid`, 'is a duplicate kid');
    const entry = importJwk(jwk, jwk.kid);
    if ('refused' in entry) throw new ConfigError(at, `is not a usable key: ${entry.refused}`);
    keys.set(jwk.kid, entry);
  });
  return keys;
}

/** One claim check from options or overrides; `undefined` never gets here. */
function readCheck(key: string, value: unknown, field: string): unknown {
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
  rejectUnknownKeys(overrides, CHECK_KEYS, 'overrides.');
  const rules: Record<string, unknown> = {};
  let customCheck: CustomCheck | null | undefined;
  for (const key of Object.keys(overrides)) {
    const value = overrides[key];
    if (value === undefined) continue;
    const checked = readCheck(key, value, `overrides.${key}`);
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

export function readPool(options: unknown, whole: string, prefix: string): PoolConfig {
  if (!isRecord(options)) throw new ConfigError(whole, 'must be an options object');
  rejectUnknownKeys(options, OPTION_KEYS, prefix);
  const o = options;
  const check = (key: string) => (o[key] === undefined ? null : readCheck(key, o[key], `${prefix}${key}`));

  // Undefined is absent: `{userPoolId: process.env.POOL, issuer}` works without the variable.
  let userPoolId: string | undefined;
  let derived: string[] = [];
  if (o.userPoolId !== undefined) {
    const parts = parseUserPoolId(o.userPoolId);
    if (parts === undefined) throw new ConfigError(`${prefix}userPoolId`, POOL_ID_SHAPE);
    userPoolId = parts.userPoolId;
    derived = issuersOf(userPoolId);
  }
  const insecure = insecureHttpOptIn(o.allowInsecureHttp, `${prefix}allowInsecureHttp`);
  let issuers: string[];
  if (o.issuer !== undefined) {
    issuers = stringList(o.issuer, `${prefix}issuer`).map((iss, i) =>
      trustedUrl(iss, Array.isArray(o.issuer) ? `${prefix}issuer[${i}]` : `${prefix}issuer`, insecure),
    );
  } else if (userPoolId === undefined) {
    throw new ConfigError(`${prefix}userPoolId`, 'is required unless issuer is given');
  } else if (derived.length === 0) {
    throw new ConfigError(`${prefix}userPoolId`, `${NO_REGION} issuer and jwksUri`);
  } else issuers = derived;
  const jwksUri =
    o.jwksUri !== undefined
      ? trustedUrl(o.jwksUri, `${prefix}jwksUri`, insecure)
      : jwksUriOf(issuers[0] as string);

  if (o.tokenUse === undefined) readCheck('tokenUse', undefined, `${prefix}tokenUse`);
  if (o.clientId === undefined) {
    throw new ConfigError(
      `${prefix}clientId`,
      'must be a client id, a list of client ids, or null to skip the check',
    );
  }
  const rules: ClaimRules = {
    tokenUse: check('tokenUse') as ClaimRules['tokenUse'],
    clientIds: check('clientId') as string[] | null,
    groups: check('groups') as string[] | null,
    scopes: check('scopes') as string[] | null,
    audience: check('audience') as string[] | null,
    graceSeconds: (check('graceSeconds') as number | null) ?? 0,
  };
  const customCheck = check('customCheck') as CustomCheck | null;
  const preloaded = o.jwks === undefined ? undefined : preloadedKeys(o.jwks, `${prefix}jwks`);
  return { userPoolId, issuers, jwksUri, checks: { rules, customCheck }, preloaded };
}

export function readSettings(settings: unknown): {
  cache: ResultCache<CognitoClaims> | null;
  jwks: JwksSettings;
} {
  if (settings === undefined) settings = {};
  if (!isRecord(settings)) throw new ConfigError('settings', 'must be an object');
  rejectUnknownKeys(settings, SETTING_KEYS, 'settings.');
  const s = settings;
  const setting = (key: string, fallback: number, allowZero?: boolean) =>
    positiveInteger(s[key], `settings.${key}`, fallback, allowZero);
  let cache: ResultCache<CognitoClaims> | null;
  if (s.cache === false) cache = null;
  else if (s.cache === undefined || s.cache === true) cache = new ResultCache(DEFAULT_CACHE_ENTRIES);
  else if (isRecord(s.cache)) {
    rejectUnknownKeys(s.cache, new Set(['maxEntries']), 'settings.cache.');
    cache = new ResultCache(
      positiveInteger(s.cache.maxEntries, 'settings.cache.maxEntries', DEFAULT_CACHE_ENTRIES),
    );
  } else throw new ConfigError('settings.cache', 'must be false or {maxEntries}');
  if (s.jwksOffline !== undefined && typeof s.jwksOffline !== 'boolean')
    throw new ConfigError('settings.jwksOffline', 'must be true or false');
  return {
    cache,
    jwks: {
      timeoutMs: setting('jwksTimeoutMs', DEFAULT_JWKS_TIMEOUT_MS),
      maxBytes: setting('jwksMaxBytes', DEFAULT_JWKS_MAX_BYTES),
      penaltyMs: setting('jwksPenaltyMs', DEFAULT_JWKS_PENALTY_MS, true),
      maxAgeMs: setting('jwksMaxAgeMs', DEFAULT_JWKS_MAX_AGE_MS),
      offline: s.jwksOffline === true,
    },
  };
}

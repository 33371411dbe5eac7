/** The verifier's settings (cache, JWKS download and lifecycle), validated, with their defaults. */
import { ConfigError, type ConfigPath } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import { isRecord } from '../util/guards.js';
import { rejectUnknownKeys } from './checks.js';
import type { JwksSettings } from './jwks.js';
import { ResultCache } from './result-cache.js';

export const DEFAULT_CACHE_ENTRIES = 1000;
export const DEFAULT_JWKS_TIMEOUT_MS = 3000;
export const DEFAULT_JWKS_MAX_BYTES = 64 * 1024;
export const DEFAULT_JWKS_PENALTY_MS = 10_000;
export const DEFAULT_JWKS_MAX_AGE_MS = 3_600_000;
export const DEFAULT_MAX_POOLS = 100;
export const DEFAULT_MAX_POOL_FETCHES = 100;

/** With a pool resolver: the pools kept in memory, and the JWKS downloads allowed per 10 s. */
export interface PoolCacheSettings {
  readonly maxPools: number;
  readonly maxPoolFetches: number;
}

const SETTING_KEYS = new Set([
  'cache',
  'jwksTimeoutMs',
  'jwksMaxBytes',
  'jwksPenaltyMs',
  'jwksMaxAgeMs',
  'jwksOffline',
  'maxPools',
  'maxPoolFetches',
]);

function positiveInteger(value: unknown, field: ConfigPath, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || (value === 0 && !allowZero)) {
    throw new ConfigError(field, `must be a ${allowZero ? 'non-negative' : 'positive'} integer`);
  }
  return value;
}

export function readSettings(settings: unknown): {
  cache: ResultCache<CognitoClaims> | null;
  jwks: JwksSettings;
  pools: PoolCacheSettings | undefined;
} {
  if (settings === undefined) settings = {};
  if (!isRecord(settings)) throw new ConfigError('settings', 'must be an object');
  rejectUnknownKeys(settings, SETTING_KEYS, ['settings']);
  const s = settings;
  const setting = (key: string, fallback: number, allowZero?: boolean) =>
    positiveInteger(s[key], ['settings', key], fallback, allowZero);
  let cache: ResultCache<CognitoClaims> | null;
  if (s.cache === false) cache = null;
  else if (s.cache === undefined || s.cache === true) cache = new ResultCache(DEFAULT_CACHE_ENTRIES);
  else if (isRecord(s.cache)) {
    rejectUnknownKeys(s.cache, new Set(['maxEntries']), ['settings', 'cache']);
    cache = new ResultCache(
      positiveInteger(s.cache.maxEntries, ['settings', 'cache', 'maxEntries'], DEFAULT_CACHE_ENTRIES),
    );
  } else throw new ConfigError(['settings', 'cache'], 'must be false or {maxEntries}');
  if (s.jwksOffline !== undefined && typeof s.jwksOffline !== 'boolean')
    throw new ConfigError(['settings', 'jwksOffline'], 'must be true or false');
  const pools =
    s.maxPools === undefined && s.maxPoolFetches === undefined
      ? undefined
      : {
          maxPools: setting('maxPools', DEFAULT_MAX_POOLS),
          maxPoolFetches: setting('maxPoolFetches', DEFAULT_MAX_POOL_FETCHES),
        };
  return {
    cache,
    pools,
    jwks: {
      timeoutMs: setting('jwksTimeoutMs', DEFAULT_JWKS_TIMEOUT_MS),
      maxBytes: setting('jwksMaxBytes', DEFAULT_JWKS_MAX_BYTES),
      penaltyMs: setting('jwksPenaltyMs', DEFAULT_JWKS_PENALTY_MS, true),
      maxAgeMs: setting('jwksMaxAgeMs', DEFAULT_JWKS_MAX_AGE_MS),
      offline: s.jwksOffline === true,
    },
  };
}

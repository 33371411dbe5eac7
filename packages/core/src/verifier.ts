import { verify as cryptoVerify } from 'node:crypto';
import { ResultCache } from './cache.js';
import { type ClaimRules, checkClaims } from './claims.js';
import { ConfigError, VerifyError } from './errors.js';
import { isRecord } from './guards.js';
import {
  assertKeyFits,
  importJwk,
  isJwks,
  type JwksFetchSettings,
  JwksStore,
  type KeyEntry,
} from './jwks.js';
import { MAX_TOKEN_LENGTH, type ParsedToken, parseToken } from './jwt.js';
import type { CognitoClaims, CognitoVerifier, CognitoVerifierOptions, VerifierSettings } from './types.js';

export const DEFAULT_CACHE_ENTRIES = 1000;
export const DEFAULT_JWKS_TIMEOUT_MS = 3000;
export const DEFAULT_JWKS_MAX_BYTES = 64 * 1024;
export const DEFAULT_JWKS_PENALTY_MS = 10_000;

interface Pool {
  readonly rules: ClaimRules;
  readonly jwks: JwksStore;
}

const OPTION_KEYS = new Set([
  'userPoolId',
  'issuer',
  'jwksUri',
  'tokenUse',
  'clientId',
  'groups',
  'scopes',
  'graceSeconds',
  'jwks',
]);
const SETTING_KEYS = new Set(['cache', 'jwksTimeoutMs', 'jwksMaxBytes', 'jwksPenaltyMs']);

// `<region>_<id>`, e.g. us-east-1_AbC123 or cognito-local's local_4vYH1bWa.
const POOL_ID = /^([a-z0-9-]+)_([0-9A-Za-z]+)$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

function rejectUnknownKeys(value: Record<string, unknown>, known: Set<string>, prefix: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) throw new ConfigError(`${prefix}${key}`, 'is not a known option');
  }
}

function httpUrl(value: unknown, field: string): string {
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
  return value;
}

function stringList(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ConfigError(field, 'must not be an empty list');
  list.forEach((item, i) => {
    if (typeof item !== 'string' || item.length === 0) {
      throw new ConfigError(Array.isArray(value) ? `${field}[${i}]` : field, 'must be a non-empty string');
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

function preloadedKeys(value: unknown, field: string): Map<string, KeyEntry> {
  if (!isJwks(value)) throw new ConfigError(field, 'must be a JWKS object: {"keys": [...]}');
  const keys = new Map<string, KeyEntry>();
  value.keys.forEach((jwk, i) => {
    const at = `${field}.keys[${i}]`;
    if (!isRecord(jwk)) throw new ConfigError(at, 'must be a JWK object');
    if (typeof jwk.kid !== 'string' || jwk.kid.length === 0)
      throw new ConfigError(`${at}.kid`, 'must be a non-empty string');
    if (keys.has(jwk.kid)) throw new ConfigError(`${at}.kid`, 'is a duplicate kid');
    const entry = importJwk(jwk, jwk.kid);
    if ('refused' in entry) throw new ConfigError(at, `is not a usable key: ${entry.refused}`);
    keys.set(jwk.kid, entry);
  });
  return keys;
}

interface PoolConfig {
  issuers: string[];
  jwksUri: string;
  rules: ClaimRules;
  preloaded: Map<string, KeyEntry> | undefined;
}

function readPool(options: unknown, whole: string, prefix: string): PoolConfig {
  if (!isRecord(options)) throw new ConfigError(whole, 'must be an options object');
  rejectUnknownKeys(options, OPTION_KEYS, prefix);
  const o = options as Partial<CognitoVerifierOptions>;

  const poolId = o.userPoolId;
  const match = typeof poolId === 'string' ? POOL_ID.exec(poolId) : null;
  if (typeof poolId !== 'string' || match === null) {
    throw new ConfigError(`${prefix}userPoolId`, 'must look like <region>_<id>, e.g. us-east-1_AbC123');
  }
  const region = match[1] as string;

  let issuers: string[];
  if (o.issuer !== undefined) {
    issuers = stringList(o.issuer, `${prefix}issuer`).map((iss, i) =>
      httpUrl(iss, Array.isArray(o.issuer) ? `${prefix}issuer[${i}]` : `${prefix}issuer`),
    );
  } else {
    if (!REGION.test(region)) {
      throw new ConfigError(
        `${prefix}userPoolId`,
        `does not start with an AWS region (e.g. us-east-1_AbC123); for emulators set issuer and jwksUri`,
      );
    }
    issuers = [
      `https://cognito-idp.${region}.amazonaws.com/${poolId}`,
      `https://issuer-cognito-idp.${region}.amazonaws.com/${poolId}`,
    ];
  }
  const jwksUri =
    o.jwksUri !== undefined ? httpUrl(o.jwksUri, `${prefix}jwksUri`) : `${issuers[0]}/.well-known/jwks.json`;

  if (o.tokenUse !== 'access' && o.tokenUse !== 'id' && o.tokenUse !== null) {
    throw new ConfigError(`${prefix}tokenUse`, "must be 'access', 'id' or null (null accepts both)");
  }
  if (o.clientId === undefined) {
    throw new ConfigError(
      `${prefix}clientId`,
      'must be a client id, a list of client ids, or null to skip the check',
    );
  }
  const clientIds = o.clientId === null ? null : stringList(o.clientId, `${prefix}clientId`);
  const groups = o.groups === undefined ? null : stringList(o.groups, `${prefix}groups`);
  const scopes = o.scopes === undefined ? null : stringList(o.scopes, `${prefix}scopes`);
  const graceSeconds = o.graceSeconds ?? 0;
  if (typeof graceSeconds !== 'number' || !Number.isFinite(graceSeconds) || graceSeconds < 0) {
    throw new ConfigError(`${prefix}graceSeconds`, 'must be a non-negative number of seconds');
  }
  const preloaded = o.jwks === undefined ? undefined : preloadedKeys(o.jwks, `${prefix}jwks`);

  return {
    issuers,
    jwksUri,
    rules: { tokenUse: o.tokenUse, clientIds, groups, scopes, graceSeconds },
    preloaded,
  };
}

function readSettings(settings: unknown): {
  cache: ResultCache<CognitoClaims> | null;
  fetch: JwksFetchSettings;
} {
  if (settings === undefined) settings = {};
  if (!isRecord(settings)) throw new ConfigError('settings', 'must be an object');
  rejectUnknownKeys(settings, SETTING_KEYS, 'settings.');
  const s = settings as VerifierSettings;
  let cache: ResultCache<CognitoClaims> | null;
  if (s.cache === false) cache = null;
  else if (s.cache === undefined || (s.cache as unknown) === true)
    cache = new ResultCache(DEFAULT_CACHE_ENTRIES);
  else if (isRecord(s.cache)) {
    rejectUnknownKeys(s.cache, new Set(['maxEntries']), 'settings.cache.');
    cache = new ResultCache(
      positiveInteger(s.cache.maxEntries, 'settings.cache.maxEntries', DEFAULT_CACHE_ENTRIES),
    );
  } else throw new ConfigError('settings.cache', 'must be false or {maxEntries}');
  return {
    cache,
    fetch: {
      timeoutMs: positiveInteger(s.jwksTimeoutMs, 'settings.jwksTimeoutMs', DEFAULT_JWKS_TIMEOUT_MS),
      maxBytes: positiveInteger(s.jwksMaxBytes, 'settings.jwksMaxBytes', DEFAULT_JWKS_MAX_BYTES),
      penaltyMs: positiveInteger(s.jwksPenaltyMs, 'settings.jwksPenaltyMs', DEFAULT_JWKS_PENALTY_MS, true),
    },
  };
}

/**
 * Creates a verifier for one or more Cognito user pools. All configuration is validated here and a
 * ConfigError names the first bad field; nothing is fetched until a token needs a key (or hydrate()).
 */
export function createCognitoVerifier(
  options: CognitoVerifierOptions | CognitoVerifierOptions[],
  settings?: VerifierSettings,
): CognitoVerifier {
  const { cache, fetch } = readSettings(settings);
  return verifierOf(options, cache, fetch);
}

/** The default settings, without the settings checks (the Lambda entry has no settings to check). */
export function defaultVerifier(options: unknown): CognitoVerifier {
  return verifierOf(options, new ResultCache(DEFAULT_CACHE_ENTRIES), {
    timeoutMs: DEFAULT_JWKS_TIMEOUT_MS,
    maxBytes: DEFAULT_JWKS_MAX_BYTES,
    penaltyMs: DEFAULT_JWKS_PENALTY_MS,
  });
}

function verifierOf(
  options: unknown,
  cache: ResultCache<CognitoClaims> | null,
  fetch: JwksFetchSettings,
): CognitoVerifier {
  const many = Array.isArray(options);
  const list: unknown[] = many ? options : [options];
  if (list.length === 0) throw new ConfigError('options', 'must list at least one user pool');

  const byIssuer = new Map<string, Pool>();
  const pools: Pool[] = [];
  list.forEach((entry, i) => {
    const config = readPool(entry, many ? `options[${i}]` : 'options', many ? `options[${i}].` : '');
    const pool: Pool = { rules: config.rules, jwks: new JwksStore(config.jwksUri, fetch, config.preloaded) };
    for (const issuer of config.issuers) {
      if (byIssuer.has(issuer))
        throw new ConfigError(many ? `options[${i}].issuer` : 'issuer', 'is used by two pools');
      byIssuer.set(issuer, pool);
    }
    pools.push(pool);
  });

  // `iss` is a fresh string in every token; comparing it with a few issuers is cheaper than hashing it.
  const issuers = [...byIssuer.keys()];
  const issuerPools = [...byIssuer.values()];
  const scan = issuers.length <= 8;

  function poolOf(parsed: ParsedToken): Pool {
    const iss = parsed.payload.iss;
    if (typeof iss !== 'string') throw new VerifyError('ISSUER_INVALID', 'token has no issuer (iss)');
    let pool: Pool | undefined;
    if (scan) {
      for (let i = 0; i < issuers.length; i++) {
        if (issuers[i] === iss) {
          pool = issuerPools[i];
          break;
        }
      }
    } else {
      pool = byIssuer.get(iss);
    }
    if (pool === undefined)
      throw new VerifyError('ISSUER_INVALID', 'token issuer (iss) is not a configured user pool');
    return pool;
  }

  function finish(token: string, parsed: ParsedToken, pool: Pool, entry: KeyEntry): CognitoClaims {
    const spec = parsed.header.spec;
    assertKeyFits(entry, spec);
    const signature = parsed.signature;
    let valid = spec.signatureBytes === undefined || signature.length === spec.signatureBytes;
    if (valid) {
      try {
        valid = cryptoVerify(spec.hash, parsed.signingInput, entry.verifyKey, signature);
      } catch {
        valid = false;
      }
    }
    if (!valid) throw new VerifyError('SIGNATURE_INVALID', 'token signature is invalid');

    const claims = parsed.payload;
    const nowMs = Date.now();
    checkClaims(claims, pool.rules, nowMs / 1000);
    // Results may be shared through the cache, so callers get an immutable object.
    const groups = claims['cognito:groups'];
    if (groups !== undefined) Object.freeze(groups);
    Object.freeze(claims);
    if (cache !== null) cache.set(token, claims, claims.exp * 1000, nowMs);
    return claims;
  }

  function cached(token: unknown): CognitoClaims | undefined {
    if (cache === null || typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
    return cache.get(token);
  }

  return {
    async verify(token: string): Promise<CognitoClaims> {
      const hit = cached(token);
      if (hit !== undefined) return hit;
      const parsed = parseToken(token);
      const pool = poolOf(parsed);
      const kid = parsed.header.kid;
      const entry = pool.jwks.find(kid) ?? (await pool.jwks.resolve(kid));
      return finish(token, parsed, pool, entry);
    },

    verifySync(token: string): CognitoClaims {
      const hit = cached(token);
      if (hit !== undefined) return hit;
      const parsed = parseToken(token);
      const pool = poolOf(parsed);
      const kid = parsed.header.kid;
      const entry = pool.jwks.find(kid);
      if (entry === undefined) throw pool.jwks.missing(kid);
      return finish(token, parsed, pool, entry);
    },

    async hydrate(): Promise<void> {
      await Promise.all(pools.map((pool) => pool.jwks.refresh()));
    },
  };
}

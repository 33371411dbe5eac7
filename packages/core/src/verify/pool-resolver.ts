/**
 * Pools chosen at run time (`allowPools` or `resolvePool`), validated: how a token's `iss` is read before
 * anything else, and where the checks for an accepted pool come from.
 */
import {
  isRegion,
  issuersOf,
  jwksUriOf,
  parseIssuer,
  parseUserPoolId,
  partitionOfRegion,
} from '../cognito/facts.js';
import { ConfigError, type ConfigPath, VerifyError } from '../errors.js';
import type { PoolIssuer, PoolResolver } from '../types.js';
import { isRecord } from '../util/guards.js';
import { CHECK_KEYS, type Checks, rejectUnknownKeys, stringList } from './checks.js';
import { POOL_ID_SHAPE, readChecks } from './pool-options.js';
import { insecureHttpOptIn, trustedUrl } from './trusted-url.js';

/** An issuer this verifier may look at, read from a token's `iss` before any call or download. */
export interface ReadIssuer {
  /** The pool's name in memory: its first issuer (a Cognito pool's two issuer formats share one pool). */
  readonly key: string;
  /** What the resolver is given. */
  readonly pool: PoolIssuer;
  /** Every `iss` the pool's tokens may carry. */
  readonly issuers: readonly string[];
  /** Where Cognito (or the endpoint) serves the pool's keys: derived from the issuer, never from the token. */
  readonly jwksUri: string;
  /** The allow-list form: the checks of the entry that covers the issuer. */
  readonly checks?: Checks;
}

/** How a verifier with a pool resolver reads issuers and gets a pool's checks. */
export interface PoolSource {
  /** Whether a pool's checks may carry a customCheck (a cache hit must then run it). */
  readonly customChecks: boolean;
  /** Whether an accepted pool is asked about again once its key set is past its max age (the callback form). */
  readonly reresolves: boolean;
  /** The issuer if this verifier may look at it at all; undefined: refused with no call and no download. */
  read(iss: unknown): ReadIssuer | undefined;
  /** The pool's checks, or undefined to refuse it. A resolver that fails rejects with JWKS_UNAVAILABLE. */
  resolve(issuer: ReadIssuer): Checks | undefined | Promise<Checks | undefined>;
}

const ENTRY_KEYS = new Set([
  ...CHECK_KEYS,
  'regions',
  'endpoint',
  'userPoolIds',
  'anyAccount',
  'allowInsecureHttp',
]);
const RESOLVER_KEYS = new Set(['allowPools', 'resolvePool', 'endpoint', 'allowInsecureHttp']);

/** Whether verifier options choose pools at run time rather than list them. */
export function isPoolResolverOptions(options: unknown): options is Record<string, unknown> {
  return isRecord(options) && ('allowPools' in options || 'resolvePool' in options);
}

/** An emulator or proxy endpoint: a trusted URL with no query or fragment, without trailing slashes. */
function endpointOf(value: unknown, field: ConfigPath, insecure: boolean): string {
  const url = trustedUrl(value, field, insecure);
  const parsed = new URL(url);
  if (parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#'))
    throw new ConfigError(field, 'must not have a query or fragment');
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return url.slice(0, end);
}

/** `iss` read as `<endpoint>/<userPoolId>`. */
function readEndpointIssuer(iss: string, endpoint: string): ReadIssuer | undefined {
  if (iss.length > 512 || !iss.startsWith(endpoint) || iss.charCodeAt(endpoint.length) !== 47)
    return undefined;
  const parts = parseUserPoolId(iss.slice(endpoint.length + 1));
  if (parts === undefined) return undefined;
  const pool = Object.freeze({ issuer: iss, userPoolId: parts.userPoolId, region: parts.region });
  return { key: iss, pool, issuers: [iss], jwksUri: jwksUriOf(iss) };
}

/** `iss` read as a Cognito issuer of a known partition, in either format. */
function readCognitoIssuer(iss: unknown): ReadIssuer | undefined {
  const parsed = parseIssuer(iss);
  if (parsed === undefined) return undefined;
  const issuers = issuersOf(parsed.userPoolId);
  const key = issuers[0] as string;
  const pool = Object.freeze({ issuer: parsed.issuer, userPoolId: parsed.userPoolId, region: parsed.region });
  return { key, pool, issuers, jwksUri: jwksUriOf(key) };
}

interface AllowEntry {
  readonly regions: ReadonlySet<string> | undefined;
  readonly endpoint: string | undefined;
  readonly userPoolIds: ReadonlySet<string> | undefined;
  readonly checks: Checks;
}

function readRegions(value: unknown, field: ConfigPath): Set<string> {
  const regions = stringList(value, field);
  regions.forEach((region, i) => {
    if (!isRegion(region) || partitionOfRegion(region) === undefined)
      throw new ConfigError(
        Array.isArray(value) ? [...field, i] : field,
        'is not an AWS region of a known partition',
      );
  });
  return new Set(regions);
}

function readPoolIds(value: unknown, field: ConfigPath, regions: Set<string> | undefined): Set<string> {
  const ids = stringList(value, field);
  ids.forEach((id, i) => {
    const parts = parseUserPoolId(id);
    const at = Array.isArray(value) ? [...field, i] : field;
    if (parts === undefined) throw new ConfigError(at, POOL_ID_SHAPE);
    if (regions !== undefined && !regions.has(parts.prefix)) throw new ConfigError(at, 'is not in regions');
  });
  return new Set(ids);
}

function readAllowEntry(entry: unknown, at: ConfigPath): AllowEntry {
  if (!isRecord(entry)) throw new ConfigError(at, 'must be an allow-list entry object');
  rejectUnknownKeys(entry, ENTRY_KEYS, at);
  if ((entry.regions === undefined) === (entry.endpoint === undefined))
    throw new ConfigError(at, 'needs exactly one of regions (Cognito) and endpoint (an emulator or proxy)');
  const insecure = insecureHttpOptIn(entry.allowInsecureHttp, [...at, 'allowInsecureHttp']);
  const regions = entry.regions === undefined ? undefined : readRegions(entry.regions, [...at, 'regions']);
  const endpoint =
    entry.endpoint === undefined ? undefined : endpointOf(entry.endpoint, [...at, 'endpoint'], insecure);
  const userPoolIds =
    entry.userPoolIds === undefined
      ? undefined
      : readPoolIds(entry.userPoolIds, [...at, 'userPoolIds'], regions);
  const checks = readChecks(entry, at);
  if (entry.anyAccount !== undefined && typeof entry.anyAccount !== 'boolean')
    throw new ConfigError([...at, 'anyAccount'], 'must be true or false');
  if (
    regions !== undefined &&
    userPoolIds === undefined &&
    checks.rules.clientIds === null &&
    entry.anyAccount !== true
  )
    throw new ConfigError(
      [...at, 'anyAccount'],
      'must be true to accept any pool of these regions with clientId null: an issuer names no AWS account, ' +
        'so any account could create such a pool (or list userPoolIds or clientId values, or use resolvePool)',
    );
  return { regions, endpoint, userPoolIds, checks };
}

/** The allow-list form (errors name `[...root, i, …]`): the first entry that covers the issuer gives its checks. */
export function readAllowList(value: unknown, root: ConfigPath): PoolSource {
  if (!Array.isArray(value) || value.length === 0)
    throw new ConfigError(root, 'must be a non-empty array of allow-list entries');
  const entries = value.map((entry, i) => readAllowEntry(entry, [...root, i]));
  const anyRegions = entries.some((e) => e.regions !== undefined);
  return {
    customChecks: entries.some((e) => e.checks.customCheck !== null),
    reresolves: false,
    read(iss) {
      if (typeof iss !== 'string') return undefined;
      const cognito = anyRegions ? readCognitoIssuer(iss) : undefined;
      for (const entry of entries) {
        const read =
          entry.endpoint !== undefined
            ? readEndpointIssuer(iss, entry.endpoint)
            : cognito !== undefined && entry.regions?.has(cognito.pool.region as string)
              ? cognito
              : undefined;
        if (read === undefined) continue;
        if (entry.userPoolIds !== undefined && !entry.userPoolIds.has(read.pool.userPoolId)) continue;
        return { ...read, checks: entry.checks };
      }
      return undefined;
    },
    resolve: (issuer) => issuer.checks,
  };
}

const RESOLVED = ['resolvePool()'];

/** What a resolver returned, validated: the checks, or undefined to refuse. */
function resolvedChecks(value: unknown): Checks | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new ConfigError(RESOLVED, 'must return pool settings or undefined');
  // Checks only: a resolver never says where keys come from (it is given the token's issuer).
  rejectUnknownKeys(value, CHECK_KEYS, RESOLVED);
  return readChecks(value, RESOLVED);
}

function resolverFailed(error: unknown): VerifyError {
  const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
  return new VerifyError('JWKS_UNAVAILABLE', `the pool resolver failed${detail}`, { cause: error });
}

/** The callback form: the issuer is read first, then the resolver decides. */
function callbackSource(resolver: PoolResolver, endpoint: string | undefined): PoolSource {
  const settle = (value: unknown): Checks | undefined => {
    try {
      return resolvedChecks(value);
    } catch (error) {
      throw resolverFailed(error);
    }
  };
  return {
    customChecks: true,
    reresolves: true,
    read(iss) {
      if (typeof iss !== 'string') return undefined;
      return (
        readCognitoIssuer(iss) ?? (endpoint === undefined ? undefined : readEndpointIssuer(iss, endpoint))
      );
    },
    resolve(issuer) {
      let answer: unknown;
      try {
        answer = resolver(issuer.pool);
      } catch (error) {
        throw resolverFailed(error);
      }
      if (!(answer instanceof Promise)) return settle(answer);
      return answer.then(settle, (error: unknown) => {
        throw resolverFailed(error);
      });
    },
  };
}

/** Validates `allowPools` or `resolvePool` options (errors name `[...root, key]`). */
export function readPoolSource(options: Record<string, unknown>, root: ConfigPath): PoolSource {
  rejectUnknownKeys(options, RESOLVER_KEYS, root);
  const { allowPools, resolvePool } = options;
  if (allowPools !== undefined && resolvePool !== undefined)
    throw new ConfigError([...root, 'resolvePool'], 'cannot be combined with allowPools');
  if (allowPools !== undefined) {
    if (options.endpoint !== undefined || options.allowInsecureHttp !== undefined)
      throw new ConfigError([...root, 'endpoint'], 'goes into an allowPools entry');
    return readAllowList(allowPools, [...root, 'allowPools']);
  }
  if (typeof resolvePool !== 'function')
    throw new ConfigError(
      [...root, 'resolvePool'],
      'must be a function (issuer) => pool settings | undefined',
    );
  const insecure = insecureHttpOptIn(options.allowInsecureHttp, [...root, 'allowInsecureHttp']);
  const endpoint =
    options.endpoint === undefined
      ? undefined
      : endpointOf(options.endpoint, [...root, 'endpoint'], insecure);
  return callbackSource(resolvePool as PoolResolver, endpoint);
}

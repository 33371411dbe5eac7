/** One pool's verifier options, validated: issuers, JWKS URL, checks and preloaded keys. */
import { issuersOf, jwksUriOf, parseUserPoolId } from '../cognito/facts.js';
import { ConfigError, type ConfigPath } from '../errors.js';
import type { CustomCheck } from '../types.js';
import { isRecord } from '../util/guards.js';
import {
  CHECK_KEYS,
  type Checks,
  NON_EMPTY_STRING,
  readCheck,
  rejectUnknownKeys,
  stringList,
} from './checks.js';
import type { ClaimRules } from './claims.js';
import { importJwk, isJwks, type KeyEntry, NOT_A_JWKS } from './jwk.js';
import { insecureHttpOptIn, trustedUrl } from './trusted-url.js';

export interface PoolConfig {
  readonly userPoolId: string | undefined;
  readonly issuers: string[];
  readonly jwksUri: string;
  readonly checks: Checks;
  readonly preloaded: Map<string, KeyEntry> | undefined;
}

const OPTION_KEYS = new Set([...CHECK_KEYS, 'userPoolId', 'issuer', 'jwksUri', 'jwks', 'allowInsecureHttp']);
export const POOL_ID_SHAPE = 'must look like <region>_<id>, e.g. us-east-1_AbC123';
export const NO_REGION = 'does not start with an AWS region (e.g. us-east-1_AbC123); for emulators set';

/** Validates a JWKS given by the caller (option, cacheJwks); every key must be usable. */
export function preloadedKeys(value: unknown, field: ConfigPath): Map<string, KeyEntry> {
  if (!isJwks(value)) throw new ConfigError(field, NOT_A_JWKS);
  const keys = new Map<string, KeyEntry>();
  value.keys.forEach((jwk, i) => {
    const at = [...field, 'keys', i];
    if (!isRecord(jwk)) throw new ConfigError(at, 'must be a JWK object');
    if (typeof jwk.kid !== 'string' || jwk.kid.length === 0)
      throw new ConfigError([...at, 'kid'], NON_EMPTY_STRING);
    if (keys.has(jwk.kid)) throw new ConfigError([...at, 'kid'], 'is a duplicate kid');
    const entry = importJwk(jwk, jwk.kid);
    if ('refused' in entry) throw new ConfigError(at, `is not a usable key: ${entry.refused}`);
    keys.set(jwk.kid, entry);
  });
  return keys;
}

export function readPool(options: unknown, whole: ConfigPath, prefix: ConfigPath): PoolConfig {
  if (!isRecord(options)) throw new ConfigError(whole, 'must be an options object');
  rejectUnknownKeys(options, OPTION_KEYS, prefix);
  const o = options;

  // Undefined is absent: `{userPoolId: process.env.POOL, issuer}` works without the variable.
  let userPoolId: string | undefined;
  let derived: string[] = [];
  if (o.userPoolId !== undefined) {
    const parts = parseUserPoolId(o.userPoolId);
    if (parts === undefined) throw new ConfigError([...prefix, 'userPoolId'], POOL_ID_SHAPE);
    userPoolId = parts.userPoolId;
    derived = issuersOf(userPoolId);
  }
  const insecure = insecureHttpOptIn(o.allowInsecureHttp, [...prefix, 'allowInsecureHttp']);
  let issuers: string[];
  if (o.issuer !== undefined) {
    issuers = stringList(o.issuer, [...prefix, 'issuer']).map((iss, i) =>
      trustedUrl(iss, Array.isArray(o.issuer) ? [...prefix, 'issuer', i] : [...prefix, 'issuer'], insecure),
    );
  } else if (userPoolId === undefined) {
    throw new ConfigError([...prefix, 'userPoolId'], 'is required unless issuer is given');
  } else if (derived.length === 0) {
    throw new ConfigError([...prefix, 'userPoolId'], `${NO_REGION} issuer and jwksUri`);
  } else issuers = derived;
  const jwksUri =
    o.jwksUri !== undefined
      ? trustedUrl(o.jwksUri, [...prefix, 'jwksUri'], insecure)
      : jwksUriOf(issuers[0] as string);

  const checks = readChecks(o, prefix);
  const preloaded = o.jwks === undefined ? undefined : preloadedKeys(o.jwks, [...prefix, 'jwks']);
  return { userPoolId, issuers, jwksUri, checks, preloaded };
}

/** The claim checks of one pool's options (`tokenUse` and `clientId` required); other keys are ignored. */
export function readChecks(o: Record<string, unknown>, prefix: ConfigPath): Checks {
  const check = (key: string) => (o[key] === undefined ? null : readCheck(key, o[key], [...prefix, key]));
  if (o.tokenUse === undefined) readCheck('tokenUse', undefined, [...prefix, 'tokenUse']);
  if (o.clientId === undefined) {
    throw new ConfigError(
      [...prefix, 'clientId'],
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
  return { rules, customCheck: check('customCheck') as CustomCheck | null };
}

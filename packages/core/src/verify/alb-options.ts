/** `createAlbVerifier`'s options and settings, validated: a ConfigError names the first bad one. */
import { albKeyEndpointOf, parseAlbArn } from '../cognito/facts.js';
import { ConfigError, type ConfigPath } from '../errors.js';
import type { CognitoClaims } from '../types.js';
import { isRecord } from '../util/guards.js';
import type { AlbKeySettings } from './alb-keys.js';
import { readCheck, rejectUnknownKeys, stringList } from './checks.js';
import type { ResultCache } from './result-cache.js';
import { readSettings } from './settings.js';
import { insecureHttpOptIn, trustedUrl } from './trusted-url.js';

export interface AlbConfig {
  /** Each allowed `signer`, with the endpoint its keys come from. */
  readonly signers: ReadonlyMap<string, string>;
  readonly clientIds: readonly string[] | null;
  readonly issuers: readonly string[] | null;
  readonly graceSeconds: number;
}

const OPTION_KEYS = new Set([
  'albArn',
  'albArns',
  'region',
  'clientId',
  'issuer',
  'graceSeconds',
  'keyEndpoint',
  'allowInsecureHttp',
]);
const SETTING_KEYS = new Set(['cache', 'jwksTimeoutMs', 'jwksMaxBytes', 'jwksPenaltyMs']);
/** The same cap as the Lambda entry's COGAUTH_GRACE_SECONDS. */
const MAX_GRACE_SECONDS = 300;
const OPTIONS: ConfigPath = ['options'];

function arnsOf(o: Record<string, unknown>): { arns: string[]; field: ConfigPath } {
  if ((o.albArn === undefined) === (o.albArns === undefined))
    throw new ConfigError([...OPTIONS, 'albArn'], 'give exactly one of albArn and albArns');
  const field: ConfigPath = [...OPTIONS, o.albArn === undefined ? 'albArns' : 'albArn'];
  if (o.albArn !== undefined && typeof o.albArn !== 'string')
    throw new ConfigError(field, 'must be an ALB ARN');
  return { arns: stringList(o.albArn ?? o.albArns, field), field };
}

/** Each ARN checked, with the endpoint of its region (or the one given). */
function signersOf(o: Record<string, unknown>): Map<string, string> {
  const { arns, field } = arnsOf(o);
  const insecure = insecureHttpOptIn(o.allowInsecureHttp, [...OPTIONS, 'allowInsecureHttp']);
  const given =
    o.keyEndpoint === undefined
      ? undefined
      : endpointOf(trustedUrl(o.keyEndpoint, [...OPTIONS, 'keyEndpoint'], insecure));
  if (o.region !== undefined && typeof o.region !== 'string')
    throw new ConfigError([...OPTIONS, 'region'], 'must be a string');
  const signers = new Map<string, string>();
  arns.forEach((arn, i) => {
    const at = o.albArns === undefined ? field : [...field, i];
    const parts = parseAlbArn(arn);
    if (parts === undefined)
      throw new ConfigError(
        at,
        'must look like arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>',
      );
    if (o.region !== undefined && parts.region !== o.region)
      throw new ConfigError(at, `is not in region ${o.region}`);
    const endpoint = given ?? albKeyEndpointOf(parts.region);
    if (endpoint === undefined)
      throw new ConfigError(
        [...OPTIONS, 'keyEndpoint'],
        `is required: no documented ALB key endpoint for ${parts.region}`,
      );
    signers.set(arn, endpoint);
  });
  return signers;
}

/** An endpoint without trailing slashes (`<endpoint>/<kid>` is the key), and with no query or fragment. */
function endpointOf(url: string): string {
  if (url.includes('?') || url.includes('#'))
    throw new ConfigError([...OPTIONS, 'keyEndpoint'], 'must not have a query or fragment');
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return url.slice(0, end);
}

/** `clientId` and `issuer`: a list, or null to skip; required, so skipping a check is said out loud. */
function listOrNull(o: Record<string, unknown>, key: 'clientId' | 'issuer'): string[] | null {
  if (o[key] === undefined)
    throw new ConfigError(
      [...OPTIONS, key],
      `is required: the allowed ${key === 'clientId' ? 'client ids' : 'issuers'}, or null to skip the check`,
    );
  return o[key] === null ? null : stringList(o[key], [...OPTIONS, key]);
}

export function readAlbOptions(options: unknown): AlbConfig {
  if (!isRecord(options)) throw new ConfigError(OPTIONS, 'must be an options object');
  rejectUnknownKeys(options, OPTION_KEYS, OPTIONS);
  const signers = signersOf(options);
  const clientIds = listOrNull(options, 'clientId');
  const issuers = listOrNull(options, 'issuer');
  let graceSeconds = 0;
  if (options.graceSeconds !== undefined) {
    graceSeconds = readCheck('graceSeconds', options.graceSeconds, [...OPTIONS, 'graceSeconds']) as number;
    if (graceSeconds > MAX_GRACE_SECONDS)
      throw new ConfigError([...OPTIONS, 'graceSeconds'], `must be at most ${MAX_GRACE_SECONDS}`);
  }
  return { signers, clientIds, issuers, graceSeconds };
}

/** The result cache and the key download settings, as the Cognito verifier reads them. */
export function readAlbSettings(settings: unknown): {
  cache: ResultCache<CognitoClaims> | null;
  keys: AlbKeySettings;
} {
  if (isRecord(settings)) rejectUnknownKeys(settings, SETTING_KEYS, ['settings']);
  const { cache, jwks } = readSettings(settings);
  return { cache, keys: { timeoutMs: jwks.timeoutMs, maxBytes: jwks.maxBytes, penaltyMs: jwks.penaltyMs } };
}

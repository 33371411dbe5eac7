import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ConfigError, type ConfigPath } from '@cogauth/core';
import { type CfnValue, isCfnValue } from './cfn-value.js';
import {
  type MonitoringSettings,
  type ObservabilitySettings,
  readMonitoring,
  readObservability,
} from './monitoring-settings.js';

export { type CfnValue, isCfnValue };

export type TokenUse = 'access' | 'id' | 'any';
export type HttpApiResponse = 'iam' | 'simple';

/** `custom.cogauth.cedar`: the policies file, and the schema file and namespace where given. */
export interface CedarFiles {
  policiesFile: { path: string; display: string };
  schemaFile?: { path: string; display: string };
  namespace?: string;
}

/** `custom.cogauth` after validation: every field typed, defaults applied. */
export interface CogauthSettings {
  /** The authorizer function's key in `functions` (default `cogauthAuthorizer`). */
  functionKey: string;
  /** Single pool: the pool id and client ids (strings or CloudFormation references). */
  userPoolId?: string | CfnValue;
  clientIds?: (string | CfnValue)[];
  tokenUse: TokenUse;
  issuer?: string[];
  jwksUri?: string;
  /** Accept plain http:// issuer and JWKS URLs on hosts that are not loopback (COGAUTH_ALLOW_INSECURE_HTTP). */
  allowInsecureHttp?: boolean;
  graceSeconds?: number;
  /** Several pools: core's verifier options, one object per pool. */
  pools?: unknown[];
  /** Pools chosen at run time: core's `allowPools` entries (COGAUTH_POOL_ALLOWLIST), with their limits. */
  allowPools?: unknown[];
  maxPools?: number;
  maxPoolFetches?: number;
  /** The rules as given (inline array or the parsed file), and where they came from. */
  rules: unknown;
  rulesSource: { kind: 'inline' } | { kind: 'file'; path: string; display: string };
  /** Cedar policies in place of the rules (`@cogauth/cedar`): the files, inside the service. */
  cedar?: CedarFiles;
  /** A JWKS file to embed, or `true` to fetch the pool's JWKS at package time. */
  jwksFile?: { path: string; display: string };
  fetchJwks: boolean;
  resultTtlSeconds: number;
  restAuthorizerType: 'token' | 'request';
  /** Which defaulted settings the user wrote (Cedar policies that read the request change the defaults). */
  given: { resultTtlSeconds: boolean; restAuthorizerType: boolean };
  httpApiResponse: HttpApiResponse;
  httpApiCache: 'on' | 'off';
  /** `per-request`: IAM answers hold the requested route's part of the policy (COGAUTH_ANSWER_MODE). */
  answerMode: 'all-routes' | 'per-request';
  /** `monitoring`: alarms and a dashboard; undefined without it. */
  monitoring?: MonitoringSettings;
  /** COGAUTH_METRICS* (on with `monitoring`) and COGAUTH_LOG_*. */
  observability: ObservabilitySettings;
}

const KNOWN_KEYS = new Set([
  'functionName',
  'userPoolId',
  'clientIds',
  'tokenUse',
  'issuer',
  'jwksUri',
  'allowInsecureHttp',
  'graceSeconds',
  'pools',
  'allowPools',
  'maxPools',
  'maxPoolFetches',
  'rules',
  'rulesFile',
  'cedar',
  'jwksFile',
  'fetchJwks',
  'resultTtlSeconds',
  'restAuthorizerType',
  'httpApiResponse',
  'httpApiCache',
  'answerMode',
  'monitoring',
  'logLevel',
  'logAllowedSampleRate',
]);
const SINGLE_POOL_KEYS = [
  'userPoolId',
  'clientIds',
  'tokenUse',
  'issuer',
  'jwksUri',
  'allowInsecureHttp',
  'graceSeconds',
];
const FUNCTION_KEY = /^[a-zA-Z0-9-_]{1,64}$/;

const fail = (field: string | ConfigPath, message: string): never => {
  throw new ConfigError(['custom', 'cogauth', ...(typeof field === 'string' ? [field] : field)], message);
};

/** `''` and `null` mean "not set", so `${param:x, ''}` and `${env:X, ''}` work as defaults. */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function oneOf<T extends string>(raw: Record<string, unknown>, key: string, allowed: T[], fallback: T): T {
  const value = raw[key];
  if (!given(value)) return fallback;
  if (typeof value !== 'string' || !(allowed as string[]).includes(value))
    fail(key, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function integer(raw: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = raw[key];
  if (!given(value)) return undefined;
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)
    fail(key, `must be an integer from ${min} to ${max}`);
  return n as number;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && rel.split(sep)[0] !== '..' && !isAbsolute(rel);
}

/**
 * A path the user named, resolved against the service directory; it must stay inside it. Symbolic links
 * are not followed: with pnpm, a package in node_modules (a shared rules package) is a link to elsewhere,
 * and what the file holds must parse as rules or a public JWKS anyway.
 */
function servicePath(
  serviceDir: string,
  key: string | ConfigPath,
  value: unknown,
): { path: string; display: string } {
  if (typeof value !== 'string') return fail(key, 'must be a file path (a string)');
  const path = resolve(serviceDir, value);
  if (!isInside(serviceDir, path))
    fail(key, `must be a file inside the service directory, got ${JSON.stringify(value)}`);
  return { path, display: value };
}

export function readJsonFile(file: { path: string; display: string }, key: string): unknown {
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (cause) {
    return fail(key, `cannot read ${file.display} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    return fail(key, `${file.display} is not valid JSON (${(cause as Error).message})`);
  }
}

function clientIds(value: unknown): (string | CfnValue)[] {
  if (isCfnValue(value)) return [value];
  if (typeof value === 'string') {
    const ids = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (ids.length === 0) fail('clientIds', 'lists no client id');
    return ids;
  }
  if (!Array.isArray(value) || value.length === 0)
    return fail('clientIds', 'must be a client id, a list of them, a CloudFormation reference, or "*"');
  return value.map((id, i) => {
    if (isCfnValue(id)) return id;
    if (typeof id !== 'string' || id.trim() === '' || id.includes(','))
      fail(['clientIds', i], 'must be a non-empty client id or a CloudFormation reference');
    return (id as string).trim();
  });
}

function issuers(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s === ''))
    return fail('issuer', 'must be an issuer URL or a list of them');
  return list as string[];
}

function pools(value: unknown): unknown[] {
  const parsed = typeof value === 'string' ? parseJson('pools', value) : value;
  if (!Array.isArray(parsed) || parsed.length === 0)
    fail('pools', 'must be a non-empty list of verifier options (one per user pool)');
  return parsed as unknown[];
}

const MAX_POOLS_LIMIT = 10_000;

function holdsCfnValue(value: unknown): boolean {
  if (isCfnValue(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(holdsCfnValue);
}

/**
 * `allowPools` (pools chosen at run time) with `maxPools` and `maxPoolFetches`, in place of `pools` and the
 * single-pool settings. The entries are JSON data (a CloudFormation reference cannot be checked at package
 * time); what they mean is checked by core (validate.ts), which names `custom.cogauth.allowPools[i]`.
 */
function readAllowPools(c: Record<string, unknown>, settings: CogauthSettings): void {
  const mixed = ['pools', ...SINGLE_POOL_KEYS].find((key) => given(c[key]));
  if (mixed !== undefined)
    fail(mixed, 'cannot be combined with allowPools: give allowPools or a pool, not both');
  const parsed = typeof c.allowPools === 'string' ? parseJson('allowPools', c.allowPools) : c.allowPools;
  if (!Array.isArray(parsed) || parsed.length === 0)
    fail('allowPools', 'must be a non-empty list of allow-list entries');
  if (holdsCfnValue(parsed))
    fail(
      'allowPools',
      'must be literal values: no CloudFormation references (write the pool and client ids)',
    );
  settings.allowPools = parsed as unknown[];
  settings.maxPools = integer(c, 'maxPools', 1, MAX_POOLS_LIMIT);
  settings.maxPoolFetches = integer(c, 'maxPoolFetches', 1, MAX_POOLS_LIMIT);
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    return fail(key, `is not valid JSON (${(cause as Error).message})`);
  }
}

const CEDAR_KEYS = new Set(['policiesFile', 'schemaFile', 'namespace']);

/** `cedar: { policiesFile, schemaFile?, namespace? }`: files inside the service, like rulesFile. */
function cedarFiles(value: unknown, serviceDir: string): CedarFiles {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('cedar', 'must be { policiesFile, schemaFile?, namespace? }');
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) if (!CEDAR_KEYS.has(key)) fail(['cedar', key], 'is not a known setting');
  if (!given(v.policiesFile)) fail(['cedar', 'policiesFile'], 'is required: the Cedar policies file');
  const files: CedarFiles = {
    policiesFile: servicePath(serviceDir, ['cedar', 'policiesFile'], v.policiesFile),
  };
  if (given(v.schemaFile)) files.schemaFile = servicePath(serviceDir, ['cedar', 'schemaFile'], v.schemaFile);
  if (given(v.namespace)) {
    if (typeof v.namespace !== 'string')
      fail(['cedar', 'namespace'], 'must be a Cedar namespace such as MyApi');
    files.namespace = v.namespace as string;
  }
  return files;
}

/**
 * Reads `custom.cogauth`: shapes, exclusive choices and defaults. What a setting means to the authorizer
 * (pool id grammar, URLs, JWKS keys, rule syntax) is checked by @cogauth/core afterwards (validate.ts).
 */
export function readSettings(raw: unknown, serviceDir: string): CogauthSettings {
  if (raw === undefined || raw === null)
    throw new ConfigError(['custom', 'cogauth'], 'is missing: the plugin needs a user pool and rules');
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(['custom', 'cogauth'], 'must be an object');
  const c = raw as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!KNOWN_KEYS.has(key)) fail(key, 'is not a known setting');

  const functionKey = given(c.functionName) ? c.functionName : 'cogauthAuthorizer';
  if (typeof functionKey !== 'string' || !FUNCTION_KEY.test(functionKey))
    fail('functionName', 'must be a function key of letters, digits, - and _');

  const monitoring = readMonitoring(c.monitoring);
  const settings: CogauthSettings = {
    functionKey: functionKey as string,
    tokenUse: oneOf(c, 'tokenUse', ['access', 'id', 'any'], 'access'),
    rules: undefined,
    rulesSource: { kind: 'inline' },
    fetchJwks: false,
    resultTtlSeconds: integer(c, 'resultTtlSeconds', 0, 3600) ?? 300,
    restAuthorizerType: oneOf(c, 'restAuthorizerType', ['token', 'request'], 'token'),
    given: { resultTtlSeconds: given(c.resultTtlSeconds), restAuthorizerType: given(c.restAuthorizerType) },
    httpApiResponse: oneOf(c, 'httpApiResponse', ['iam', 'simple'], 'iam'),
    httpApiCache: oneOf(c, 'httpApiCache', ['on', 'off'], 'on'),
    answerMode: oneOf(c, 'answerMode', ['all-routes', 'per-request'], 'all-routes'),
    monitoring,
    observability: readObservability(c, monitoring),
  };
  if (
    settings.httpApiCache === 'off' &&
    settings.httpApiResponse !== 'simple' &&
    settings.answerMode !== 'per-request'
  )
    fail(
      'httpApiCache',
      'applies only to httpApiResponse: simple or answerMode: per-request (all-routes iam answers are cache-safe)',
    );

  for (const key of ['maxPools', 'maxPoolFetches'])
    if (given(c[key]) && !given(c.allowPools)) fail(key, 'applies only with allowPools');
  if (given(c.allowPools)) readAllowPools(c, settings);
  else if (given(c.pools)) {
    const mixed = SINGLE_POOL_KEYS.find((key) => given(c[key]));
    if (mixed !== undefined) fail(mixed, 'cannot be combined with pools (set it inside each pool)');
    settings.pools = pools(c.pools);
  } else {
    if (!given(c.userPoolId))
      fail(
        'userPoolId',
        'is required: a pool id like us-east-1_AbC123 or a reference such as {Ref: UserPool} (or pools, or allowPools for pools chosen at run time)',
      );
    if (typeof c.userPoolId !== 'string' && !isCfnValue(c.userPoolId))
      fail('userPoolId', 'must be a pool id string or a CloudFormation reference');
    settings.userPoolId = isCfnValue(c.userPoolId) ? c.userPoolId : (c.userPoolId as string).trim();
    if (!given(c.clientIds)) fail('clientIds', 'is required: app client ids, a reference, or "*" to skip');
    settings.clientIds = clientIds(c.clientIds);
    if (given(c.issuer)) settings.issuer = issuers(c.issuer);
    if (given(c.jwksUri)) {
      if (typeof c.jwksUri !== 'string') fail('jwksUri', 'must be a URL string');
      settings.jwksUri = c.jwksUri as string;
    }
    // A string too, so `${env:COGAUTH_ALLOW_INSECURE_HTTP, ''}` works like the other variables.
    const insecure = c.allowInsecureHttp;
    if (given(insecure)) {
      if (insecure !== true && insecure !== false && insecure !== 'true' && insecure !== 'false')
        fail('allowInsecureHttp', 'must be true or false');
      settings.allowInsecureHttp = insecure === true || insecure === 'true';
    }
    settings.graceSeconds = integer(c, 'graceSeconds', 0, 300);
  }

  if (given(c.cedar)) {
    const mixed = ['rules', 'rulesFile'].find((key) => given(c[key]));
    if (mixed !== undefined) fail(mixed, 'cannot be combined with cedar: give rules or Cedar policies');
    settings.cedar = cedarFiles(c.cedar, serviceDir);
  } else if (given(c.rules) === given(c.rulesFile))
    fail(
      'rules',
      'set exactly one of rules (inline list), rulesFile (a JSON file path) and cedar (policies)',
    );
  else if (given(c.rules)) {
    if (!Array.isArray(c.rules)) fail('rules', 'must be a list of rules (use rulesFile for a file path)');
    settings.rules = c.rules;
  } else {
    const file = servicePath(serviceDir, 'rulesFile', c.rulesFile);
    settings.rulesSource = { kind: 'file', ...file };
    settings.rules = readJsonFile(file, 'rulesFile');
  }

  const fetchJwks = c.fetchJwks;
  if (given(fetchJwks) && typeof fetchJwks !== 'boolean') fail('fetchJwks', 'must be true or false');
  settings.fetchJwks = fetchJwks === true;
  if (given(c.jwksFile)) {
    if (settings.fetchJwks) fail('jwksFile', 'set either jwksFile or fetchJwks, not both');
    if (settings.pools) fail('jwksFile', 'cannot be combined with pools (put jwks inside each pool)');
    if (settings.allowPools)
      fail(
        'jwksFile',
        "cannot be combined with allowPools: each pool's JWKS is fetched when a token needs it",
      );
    settings.jwksFile = servicePath(serviceDir, 'jwksFile', c.jwksFile);
  }
  if (settings.fetchJwks) {
    if (settings.pools) fail('fetchJwks', 'cannot be combined with pools (put jwks inside each pool)');
    if (settings.allowPools)
      fail(
        'fetchJwks',
        "cannot be combined with allowPools: each pool's JWKS is fetched when a token needs it",
      );
    if (isCfnValue(settings.userPoolId) && settings.jwksUri === undefined)
      fail(
        'fetchJwks',
        'needs a literal userPoolId or a jwksUri: a CloudFormation reference has no JWKS yet',
      );
  }
  return settings;
}

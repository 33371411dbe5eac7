import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AuthorizerHandler, authorizerOf } from './authorizer.js';
import { ConfigError } from './errors.js';
import { isRecord } from './guards.js';
import { compileParsedRules } from './rules.js';
import type { CognitoVerifier, CognitoVerifierOptions, Jwks, VerifierSettings } from './types.js';
import { defaultVerifier } from './verifier.js';

type Env = Readonly<Record<string, string | undefined>>;

const TOKEN_USES = { access: 'access', id: 'id', any: null } as const;
const MAX_GRACE_SECONDS = 300;
const GRACE_RULE = `must be an integer from 0 to ${MAX_GRACE_SECONDS}`;

function get(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function json(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(name, `is not valid JSON (${(cause as Error).message})`);
  }
}

/**
 * Reads `path` relative to LAMBDA_TASK_ROOT, then to the working directory. serverless-offline sets
 * LAMBDA_TASK_ROOT to `/var/task`, which does not exist locally, so the fallback keeps offline runs working.
 */
function readFile(env: Env, name: string, path: string): string {
  const roots = [env.LAMBDA_TASK_ROOT, process.cwd()].filter((r): r is string => Boolean(r));
  let code = 'ENOENT';
  for (const root of roots) {
    try {
      return readFileSync(resolve(root, path), 'utf8');
    } catch (cause) {
      code = (cause as NodeJS.ErrnoException).code ?? 'error';
      if (code !== 'ENOENT') break;
    }
  }
  throw new ConfigError(name, `cannot read ${path} (${code}; looked in ${roots.join(', ')})`);
}

/** Exactly one of `name` (inline JSON) and `fileName` (a path) may be set; returns the parsed JSON. */
function jsonOrFile(env: Env, name: string, fileName: string): unknown {
  const inline = get(env, name);
  const file = get(env, fileName);
  if (inline !== undefined && file !== undefined)
    throw new ConfigError(fileName, `set either ${name} or ${fileName}`);
  if (inline !== undefined) return json(name, inline);
  if (file !== undefined) return json(fileName, readFile(env, fileName, file));
  return undefined;
}

function singlePool(env: Env): CognitoVerifierOptions {
  const userPoolId = get(env, 'COGAUTH_USER_POOL_ID');
  if (userPoolId === undefined)
    throw new ConfigError('COGAUTH_USER_POOL_ID', 'is required (or set COGAUTH_POOLS)');
  const clientIds = get(env, 'COGAUTH_CLIENT_IDS');
  if (clientIds === undefined)
    throw new ConfigError('COGAUTH_CLIENT_IDS', 'is required (a comma list, or * to skip)');
  const ids = list(clientIds);
  if (ids.length === 0) throw new ConfigError('COGAUTH_CLIENT_IDS', 'lists no client id');
  const tokenUse = get(env, 'COGAUTH_TOKEN_USE') ?? 'access';
  if (!Object.hasOwn(TOKEN_USES, tokenUse))
    throw new ConfigError('COGAUTH_TOKEN_USE', 'must be access, id or any');
  const options: CognitoVerifierOptions = {
    userPoolId,
    clientId: ids.length === 1 && ids[0] === '*' ? null : ids,
    tokenUse: TOKEN_USES[tokenUse as keyof typeof TOKEN_USES],
  };
  if (ids.includes('*') && options.clientId !== null) {
    throw new ConfigError('COGAUTH_CLIENT_IDS', '* cannot be combined with client ids');
  }
  // URLs and the JWKS are checked by the verifier; `relabel` names the variable in its errors.
  const issuer = get(env, 'COGAUTH_ISSUER');
  if (issuer !== undefined) {
    const issuers = list(issuer);
    options.issuer = issuers.length === 1 ? (issuers[0] as string) : issuers;
  }
  const jwksUri = get(env, 'COGAUTH_JWKS_URI');
  if (jwksUri !== undefined) options.jwksUri = jwksUri;
  const jwks = jsonOrFile(env, 'COGAUTH_JWKS', 'COGAUTH_JWKS_FILE');
  if (jwks !== undefined) options.jwks = jwks as Jwks;
  const grace = get(env, 'COGAUTH_GRACE_SECONDS');
  if (grace !== undefined) {
    const n = /^\d{1,9}$/.test(grace) ? Number(grace) : Number.NaN;
    if (!isGraceSeconds(n)) throw new ConfigError('COGAUTH_GRACE_SECONDS', GRACE_RULE);
    options.graceSeconds = n;
  }
  return options;
}

/** The clock tolerance the Lambda entry accepts, for the single pool and every COGAUTH_POOLS entry alike. */
function isGraceSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_GRACE_SECONDS;
}

const MAX_JWKS_AGE_SECONDS = 86_400;

/** JWKS lifecycle settings, for every pool: COGAUTH_JWKS_MAX_AGE_SECONDS and COGAUTH_JWKS_OFFLINE. */
function jwksSettings(env: Env): VerifierSettings {
  const settings: VerifierSettings = {};
  const maxAge = get(env, 'COGAUTH_JWKS_MAX_AGE_SECONDS');
  if (maxAge !== undefined) {
    const n = Number(maxAge);
    if (!/^\d{1,6}$/.test(maxAge) || n < 1 || n > MAX_JWKS_AGE_SECONDS) {
      throw new ConfigError(
        'COGAUTH_JWKS_MAX_AGE_SECONDS',
        `must be an integer from 1 to ${MAX_JWKS_AGE_SECONDS}`,
      );
    }
    settings.jwksMaxAgeMs = n * 1000;
  }
  const offline = get(env, 'COGAUTH_JWKS_OFFLINE');
  if (offline !== undefined) {
    if (offline !== 'true' && offline !== 'false')
      throw new ConfigError('COGAUTH_JWKS_OFFLINE', 'must be true or false');
    settings.jwksOffline = offline === 'true';
  }
  return settings;
}

/**
 * Builds the authorizer from environment variables (see "The Lambda entry" in README.md). Throws a ConfigError
 * naming the bad variable.
 */
export function handlerFromEnv(env: Env = process.env): AuthorizerHandler {
  let pools: CognitoVerifierOptions | CognitoVerifierOptions[];
  const poolsJson = get(env, 'COGAUTH_POOLS');
  if (poolsJson !== undefined) {
    const parsed = json('COGAUTH_POOLS', poolsJson);
    if (!Array.isArray(parsed) || parsed.length === 0) {
      throw new ConfigError('COGAUTH_POOLS', 'must be a non-empty JSON array of verifier options');
    }
    parsed.forEach((pool: unknown, i) => {
      if (isRecord(pool) && pool.graceSeconds !== undefined && !isGraceSeconds(pool.graceSeconds))
        throw new ConfigError('COGAUTH_POOLS', `[${i}].graceSeconds ${GRACE_RULE}`);
    });
    pools = parsed as CognitoVerifierOptions[];
  } else pools = singlePool(env);

  const rules = jsonOrFile(env, 'COGAUTH_RULES', 'COGAUTH_RULES_FILE');
  const rulesVar = get(env, 'COGAUTH_RULES') !== undefined ? 'COGAUTH_RULES' : 'COGAUTH_RULES_FILE';
  if (rules === undefined) throw new ConfigError('COGAUTH_RULES', 'is required (or set COGAUTH_RULES_FILE)');

  const httpApiResponse = get(env, 'COGAUTH_HTTP_API_RESPONSE') ?? 'iam';
  if (httpApiResponse !== 'simple' && httpApiResponse !== 'iam') {
    throw new ConfigError('COGAUTH_HTTP_API_RESPONSE', 'must be iam or simple');
  }
  const httpApiCache = get(env, 'COGAUTH_HTTP_API_CACHE') ?? 'on';
  if (httpApiCache !== 'on' && httpApiCache !== 'off') {
    throw new ConfigError('COGAUTH_HTTP_API_CACHE', 'must be on or off');
  }

  const settings = jwksSettings(env);
  let verifier: CognitoVerifier;
  try {
    verifier = defaultVerifier(pools, settings);
  } catch (err) {
    throw relabel(err, poolsJson !== undefined ? 'COGAUTH_POOLS' : undefined, env);
  }
  try {
    return authorizerOf(verifier, compileParsedRules(rules), { httpApiResponse, httpApiCache });
  } catch (err) {
    throw relabel(err, rulesVar, env);
  }
}

/** Re-labels a ConfigError from an option (`rules[2].route`) with the variable it came from. */
function relabel(err: unknown, variable: string | undefined, env: Env): unknown {
  if (!(err instanceof ConfigError)) return err;
  let name = variable ?? mapOption(err.field);
  if (name === 'COGAUTH_JWKS' && get(env, 'COGAUTH_JWKS') === undefined) name = 'COGAUTH_JWKS_FILE';
  return name === err.field ? err : new ConfigError(name, err.message);
}

const OPTION_VARIABLES: Record<string, string> = {
  userPoolId: 'COGAUTH_USER_POOL_ID',
  clientId: 'COGAUTH_CLIENT_IDS',
  tokenUse: 'COGAUTH_TOKEN_USE',
  issuer: 'COGAUTH_ISSUER',
  jwksUri: 'COGAUTH_JWKS_URI',
  jwks: 'COGAUTH_JWKS',
  graceSeconds: 'COGAUTH_GRACE_SECONDS',
};

function mapOption(field: string): string {
  const key = Object.keys(OPTION_VARIABLES).find(
    (k) => field === k || field.endsWith(`.${k}`) || field.startsWith(`${k}[`) || field.startsWith(`${k}.`),
  );
  return key ? (OPTION_VARIABLES[key] as string) : field;
}

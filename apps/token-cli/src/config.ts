import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/** Every setting the CLI reads from flags, `COGAUTH_*` variables or a config file. */
export interface Settings {
  userPoolId?: string;
  clientId?: string;
  clientSecret?: string;
  region?: string;
  endpoint?: string;
  username?: string;
  authFlow?: string;
  domain?: string;
  scopes?: string;
  issuer?: string;
  jwksUri?: string;
  tokenUse?: string;
  rules?: string;
}

export type SettingKey = keyof Settings;

/** Setting name, its flag and its environment variable. Flags use the kebab-case form. */
export const SETTINGS: ReadonlyArray<{ key: SettingKey; flag: string; env: string; path?: true }> = [
  { key: 'userPoolId', flag: 'user-pool-id', env: 'COGAUTH_USER_POOL_ID' },
  { key: 'clientId', flag: 'client-id', env: 'COGAUTH_CLIENT_ID' },
  { key: 'clientSecret', flag: 'client-secret', env: 'COGAUTH_CLIENT_SECRET' },
  { key: 'region', flag: 'region', env: 'COGAUTH_REGION' },
  { key: 'endpoint', flag: 'endpoint', env: 'COGAUTH_ENDPOINT' },
  { key: 'username', flag: 'username', env: 'COGAUTH_USERNAME' },
  { key: 'authFlow', flag: 'auth-flow', env: 'COGAUTH_AUTH_FLOW' },
  { key: 'domain', flag: 'domain', env: 'COGAUTH_DOMAIN' },
  { key: 'scopes', flag: 'scope', env: 'COGAUTH_SCOPES' },
  { key: 'issuer', flag: 'issuer', env: 'COGAUTH_ISSUER' },
  { key: 'jwksUri', flag: 'jwks-uri', env: 'COGAUTH_JWKS_URI' },
  { key: 'tokenUse', flag: 'token-use', env: 'COGAUTH_TOKEN_USE' },
  { key: 'rules', flag: 'rules', env: 'COGAUTH_RULES_FILE', path: true },
];

const KNOWN_KEYS = new Set<string>(SETTINGS.map((s) => s.key));

export const CONFIG_FILE_NAMES = ['cogauth.config.yaml', 'cogauth.config.yml', 'cogauth.config.json'];

export type Source = 'flag' | 'env' | 'file';

export interface ResolvedConfig {
  settings: Settings;
  /** Where each setting came from, for `--debug`. */
  sources: Partial<Record<SettingKey, Source>>;
  configPath: string | undefined;
  profile: string | undefined;
}

export interface ResolveInput {
  /** Parsed flags; only the kebab-case names in SETTINGS plus `config` and `profile` are read. */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Flags beat `COGAUTH_*` variables, which beat the profile, which beats the file's top level. */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const explicitPath = stringFlag(input.flags.config) ?? nonEmpty(input.env.COGAUTH_CONFIG);
  const configPath = explicitPath ? resolve(input.cwd, explicitPath) : findConfigFile(input.cwd);
  if (explicitPath && configPath && !existsSync(configPath)) {
    throw new ConfigError('--config', `config file ${configPath} does not exist`);
  }
  const wantedProfile = stringFlag(input.flags.profile) ?? nonEmpty(input.env.COGAUTH_PROFILE);
  const fromFile: { settings: Settings; profile: string | undefined } = configPath
    ? readConfigFile(configPath, wantedProfile)
    : { settings: {}, profile: undefined };
  if (!configPath && wantedProfile) {
    throw new ConfigError(
      'profile',
      `profile "${wantedProfile}" requested but no ${CONFIG_FILE_NAMES[0]} found (use --config)`,
    );
  }

  const settings: Settings = {};
  const sources: Partial<Record<SettingKey, Source>> = {};
  for (const { key, flag, env } of SETTINGS) {
    const flagValue = flagSetting(input.flags[flag]);
    const envValue = nonEmpty(input.env[env]);
    const fileValue = fromFile.settings[key];
    if (flagValue !== undefined) {
      settings[key] = flagValue;
      sources[key] = 'flag';
    } else if (envValue !== undefined) {
      settings[key] = envValue;
      sources[key] = 'env';
    } else if (fileValue !== undefined) {
      settings[key] = fileValue;
      sources[key] = 'file';
    }
  }
  return { settings, sources, configPath, profile: fromFile.profile };
}

/** The nearest config file from `start` up to the file-system root. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Config file shape (YAML or JSON):
 *   defaultProfile: dev        # optional
 *   region: eu-west-1          # top-level settings apply to every profile
 *   profiles:
 *     dev: { userPoolId: ..., clientId: ..., endpoint: http://127.0.0.1:9229 }
 */
export function readConfigFile(
  path: string,
  wantedProfile: string | undefined,
): { settings: Settings; profile: string | undefined } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', `cannot read ${path}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${firstLine(error)}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) throw new ConfigError(path, 'must be a mapping of settings');

  const { profiles, defaultProfile, ...top } = doc;
  const base = readSettings(top, '', path);
  if (defaultProfile !== undefined && typeof defaultProfile !== 'string') {
    throw new ConfigError('defaultProfile', `must be a string (in ${path})`);
  }
  if (profiles !== undefined && !isRecord(profiles)) {
    throw new ConfigError('profiles', `must be a mapping of profile names to settings (in ${path})`);
  }
  const profile = wantedProfile ?? defaultProfile;
  if (profile === undefined) return { settings: base, profile: undefined };
  const chosen = profiles?.[profile];
  if (chosen === undefined) {
    const known = Object.keys(profiles ?? {});
    throw new ConfigError(
      'profile',
      `no profile "${profile}" in ${path} (known: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  if (!isRecord(chosen)) throw new ConfigError(`profiles.${profile}`, `must be a mapping (in ${path})`);
  return { settings: { ...base, ...readSettings(chosen, `profiles.${profile}.`, path) }, profile };
}

function readSettings(raw: Record<string, unknown>, prefix: string, path: string): Settings {
  const out: Settings = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = `${prefix}${key}`;
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(field, `unknown setting in ${path} (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
    const settingKey = key as SettingKey;
    let text: string;
    if (typeof value === 'string') text = value;
    else if (settingKey === 'scopes' && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      text = value.join(' ');
    } else {
      throw new ConfigError(field, `must be a string (in ${path})`);
    }
    const meta = SETTINGS.find((s) => s.key === settingKey);
    out[settingKey] = meta?.path && !isAbsolute(text) ? resolve(dirname(path), text) : text;
  }
  return out;
}

function flagSetting(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  // --scope may be repeated
  if (Array.isArray(value) && value.length > 0) return value.join(' ');
  return undefined;
}

function stringFlag(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}

/** `us-east-1_AbC` -> `us-east-1`; cognito-local ids (`local_x`) name no region. */
export function regionOfPoolId(userPoolId: string | undefined): string | undefined {
  const match = userPoolId?.match(/^([a-z]{2}(?:-[a-z]+)+-\d+)_[A-Za-z0-9]+$/);
  return match?.[1];
}

/** The app client id every Cognito call needs, or a usage error saying where to set it. */
export function requireClientId(settings: Settings): string {
  if (!settings.clientId) {
    throw new UsageError(
      'no app client id: pass --client-id (or COGAUTH_CLIENT_ID, or clientId in the config)',
    );
  }
  return settings.clientId;
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { parseUserPoolId } from '@cogauth/core/cognito';
import { type ConfigFile, readConfigFile } from './config-file.js';
import { UsageError } from './errors.js';
import { userConfigDir } from './paths.js';
import { SETTINGS, type SettingKey, type Settings, TRUSTED_KEYS } from './settings.js';
import { checkedUrl } from './url-policy.js';

export type { SettingKey, Settings } from './settings.js';

export const CONFIG_FILE_NAMES = ['cogauth.config.yaml', 'cogauth.config.yml', 'cogauth.config.json'];
export const USER_CONFIG_NAMES = ['config.yaml', 'config.yml', 'config.json'];

export type Source = 'flag' | 'env' | 'file';

/**
 * How a config file was chosen. `named`: --config / COGAUTH_CONFIG. `user`: the user's own config
 * directory. `discovered`: the nearest cogauth.config.* up from the working directory — anyone who can
 * write a repository can put one there, so it may not set a trusted setting.
 */
export type ConfigOrigin = 'named' | 'user' | 'discovered';

export interface ResolvedConfig {
  settings: Settings;
  /** Where each setting came from, for `--debug`. */
  sources: Partial<Record<SettingKey, Source>>;
  /** The files read, strongest last. */
  files: Array<{ path: string; origin: ConfigOrigin }>;
  /** The first file read, for messages. */
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
  const { env } = input;
  if (nonEmpty(env.COGAUTH_CLIENT_ID) !== undefined) {
    throw new ConfigError(
      'COGAUTH_CLIENT_ID',
      'was renamed COGAUTH_CLIENT_IDS (the name the authorizer Lambda reads); the CLI uses its first id',
    );
  }
  const files = configFiles(input);
  const profile = chooseProfile(files, askedProfile(input.flags, env));

  for (const { file, origin } of files) {
    if (origin === 'discovered') refuseTrustedKeys(file);
  }
  const fromFiles: Settings = {};
  for (const { file } of files) {
    Object.assign(fromFiles, file.top, profile === undefined ? {} : file.profiles[profile]);
  }

  const settings: Settings = {};
  const sources: Partial<Record<SettingKey, Source>> = {};
  for (const { key, flag, env: variable } of SETTINGS) {
    const flagValue = flag === undefined ? undefined : flagSetting(input.flags[flag]);
    const envValue = nonEmpty(env[variable]);
    const fileValue = fromFiles[key];
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
  if (settings.rules !== undefined && settings.rulesJson !== undefined) {
    if (sources.rules !== 'file') {
      throw new ConfigError('COGAUTH_RULES_FILE', 'set either COGAUTH_RULES or COGAUTH_RULES_FILE');
    }
    // COGAUTH_RULES (env) beats a rules file from a config file, like any variable beats the file.
    delete settings.rules;
    delete sources.rules;
  }
  const defaultRegion = nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  if (defaultRegion !== undefined) settings.defaultRegion = defaultRegion;
  for (const key of ['endpoint', 'issuer', 'jwksUri'] as const) {
    const value = settings[key];
    if (value !== undefined) for (const one of value.split(',')) checkedUrl(key, one.trim());
  }
  if (settings.domain !== undefined) checkedDomain('domain', settings.domain);
  return {
    settings,
    sources,
    files: files.map(({ file, origin }) => ({ path: file.path, origin })),
    configPath: files[0]?.file.path,
    profile,
  };
}

/** The profile asked for: `--profile`, else COGAUTH_PROFILE; undefined when neither is set. */
export function askedProfile(
  flags: Record<string, unknown>,
  env: Record<string, string | undefined>,
): string | undefined {
  return stringFlag(flags.profile) ?? nonEmpty(env.COGAUTH_PROFILE);
}

/** --config / COGAUTH_CONFIG alone; otherwise the user's own file, then the nearest project file. */
function configFiles(input: ResolveInput): Array<{ file: ConfigFile; origin: ConfigOrigin }> {
  const named = stringFlag(input.flags.config) ?? nonEmpty(input.env.COGAUTH_CONFIG);
  if (named !== undefined) {
    const path = resolve(input.cwd, named);
    if (!existsSync(path)) throw new ConfigError('--config', `config file ${path} does not exist`);
    return [{ file: readConfigFile(path), origin: 'named' }];
  }
  const out: Array<{ file: ConfigFile; origin: ConfigOrigin }> = [];
  const userDir = userConfigDir(input.env);
  const userFile = firstExisting(userDir, USER_CONFIG_NAMES);
  if (userFile) out.push({ file: readConfigFile(userFile), origin: 'user' });
  const found = findConfigFile(input.cwd);
  if (found && dirname(found) !== userDir) out.push({ file: readConfigFile(found), origin: 'discovered' });
  return out;
}

function chooseProfile(
  files: Array<{ file: ConfigFile; origin: ConfigOrigin }>,
  wanted: string | undefined,
): string | undefined {
  if (wanted !== undefined) {
    if (files.some(({ file }) => Object.hasOwn(file.profiles, wanted))) return wanted;
    if (files.length === 0) {
      throw new ConfigError(
        'profile',
        `profile "${wanted}" requested but no config file found (use --config)`,
      );
    }
    const known = [...new Set(files.flatMap(({ file }) => Object.keys(file.profiles)))];
    throw new ConfigError(
      'profile',
      `no profile "${wanted}" in ${files.map(({ file }) => file.path).join(' or ')} (known: ${known.length ? known.join(', ') : 'none'})`,
    );
  }
  for (const { file } of [...files].reverse())
    if (file.defaultProfile !== undefined) return file.defaultProfile;
  const withProfiles = files.find(({ file }) => Object.keys(file.profiles).length > 0);
  if (withProfiles) {
    throw new ConfigError(
      'defaultProfile',
      `${withProfiles.file.path} has profiles but no defaultProfile: set one, or pass --profile (or COGAUTH_PROFILE)`,
    );
  }
  return undefined;
}

/** A discovered file names no server, pool, client, key source or token use: see SETTINGS `trusted`. */
function refuseTrustedKeys(file: ConfigFile): void {
  const sections: Array<[string, Settings]> = [
    ['', file.top],
    ...Object.entries(file.profiles).map(([name, s]): [string, Settings] => [`profiles.${name}.`, s]),
  ];
  for (const [prefix, settings] of sections) {
    for (const key of Object.keys(settings)) {
      if (!TRUSTED_KEYS.has(key)) continue;
      throw new ConfigError(
        `${prefix}${key}`,
        `${file.path} was found by searching up from the current directory, so it may not set ${key} ` +
          '(it decides where credentials go or which keys are trusted). If you trust this file, name it with ' +
          '--config or COGAUTH_CONFIG, or move the setting to your own config file (cogauth help config)',
      );
    }
  }
}

/** The nearest config file from `start` up to the file-system root. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const found = firstExisting(dir, CONFIG_FILE_NAMES);
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function firstExisting(dir: string, names: string[]): string | undefined {
  for (const name of names) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A pool domain given as a bare host means https. */
export function domainUrl(domain: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`;
}

// A host as WHATWG parsing leaves a DNS name (lower case, IDNs in punycode) or an IPv4 address; or an
// IPv6 literal. Both character classes are single and anchored: linear on any input.
const DNS_HOST = /^[a-z0-9.-]+$/;
const IPV6_HOST = /^\[[0-9a-f:.]+\]$/;

/**
 * A pool domain (`--domain`, COGAUTH_DOMAIN, `domain`): a bare host or `https://<host>[:port]` (http to
 * loopback only), nothing more. Whatever else it held would ride along in every URL built from it:
 * `<domain>/oauth2/authorize` is opened in a browser, `/oauth2/token` gets the client secret. The message
 * names what is extra but never echoes the value (a user name part may hold a password).
 */
export function checkedDomain(setting: string, domain: string): URL {
  const url = checkedUrl(setting, domainUrl(domain));
  const beforeHash = url.href.split('#')[0] as string;
  const extra = [
    url.username !== '' || url.password !== '' ? 'a user name' : undefined,
    url.pathname !== '/' ? 'a path' : undefined,
    url.search !== '' || beforeHash.endsWith('?') ? 'a query' : undefined,
    url.href.includes('#') ? 'a fragment' : undefined,
  ].filter((part) => part !== undefined);
  if (extra.length > 0 || url.href !== `${url.origin}/`) {
    throw new UsageError(
      `${setting} must be the pool domain alone, e.g. my-app.auth.eu-west-1.amazoncognito.com or ` +
        `https://auth.example.com, but it has ${extra.join(', ') || 'more than a host'}`,
    );
  }
  if (!DNS_HOST.test(url.hostname) && !IPV6_HOST.test(url.hostname)) {
    throw new UsageError(`${setting} must be a host name of letters, digits, "-" and "."`);
  }
  return url;
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

/** The region Cognito calls go to: --region/COGAUTH_REGION, the pool id's own, then AWS_REGION/AWS_DEFAULT_REGION. */
export function regionOf(settings: Settings): string | undefined {
  return settings.region ?? parseUserPoolId(settings.userPoolId)?.region ?? settings.defaultRegion;
}

/** The app client id every Cognito call needs, or a usage error saying where to set it. */
export function requireClientId(settings: Settings): string {
  const ids =
    settings.clientId
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (ids.length === 0) {
    throw new UsageError(
      'no app client id: pass --client-id (or COGAUTH_CLIENT_IDS, or clientId in the config)',
    );
  }
  if (ids.length > 1) {
    throw new UsageError(
      `this command talks to one app client, but the client id setting lists ${ids.length}`,
    );
  }
  return ids[0] as string;
}

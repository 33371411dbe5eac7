import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { FILE_KEYS, SETTINGS, type SettingKey, type Settings } from './settings.js';

/** A YAML/JSON mapping: not null, not a list. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A parsed and fully validated config file: every profile is checked, not only the one in use. */
export interface ConfigFile {
  path: string;
  top: Settings;
  profiles: Record<string, Settings>;
  defaultProfile: string | undefined;
}

// `yaml` costs ~30 ms to import: load it only when a YAML file is actually read.
const requireLazy = createRequire(import.meta.url);

export function loadYaml(): typeof import('yaml') {
  return requireLazy('yaml') as typeof import('yaml');
}

export function parseYamlText(text: string): unknown {
  return loadYaml().parse(text);
}

/**
 * Config file shape (YAML or JSON):
 *   defaultProfile: dev        # required when there are profiles and none is chosen
 *   region: eu-west-1          # top-level settings apply to every profile
 *   profiles:
 *     dev: { userPoolId: ..., clientId: ..., endpoint: http://127.0.0.1:9229 }
 */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      '--config',
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  return parseConfigFile(path, text);
}

/** The text of a config file, checked as readConfigFile checks it (`path` names the file and its format). */
export function parseConfigFile(path: string, text: string): ConfigFile {
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYamlText(text);
  } catch (error) {
    throw new ConfigError(path, `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${firstLine(error)}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) throw new ConfigError(path, 'must be a mapping of settings');

  const { profiles, defaultProfile, ...top } = doc;
  if (defaultProfile !== undefined && typeof defaultProfile !== 'string') {
    throw new ConfigError('defaultProfile', `must be a string (in ${path})`);
  }
  if (profiles !== undefined && !isRecord(profiles)) {
    throw new ConfigError('profiles', `must be a mapping of profile names to settings (in ${path})`);
  }
  const parsed: Record<string, Settings> = {};
  for (const [name, raw] of Object.entries(profiles ?? {})) {
    if (!isRecord(raw)) throw new ConfigError(`profiles.${name}`, `must be a mapping (in ${path})`);
    parsed[name] = readSettings(raw, `profiles.${name}.`, path);
  }
  if (defaultProfile !== undefined && !Object.hasOwn(parsed, defaultProfile)) {
    throw new ConfigError('defaultProfile', `names no profile in ${path} ("${defaultProfile}")`);
  }
  return { path, top: readSettings(top, '', path), profiles: parsed, defaultProfile };
}

function readSettings(raw: Record<string, unknown>, prefix: string, path: string): Settings {
  const out: Settings = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = `${prefix}${key}`;
    if (!FILE_KEYS.has(key)) {
      throw new ConfigError(field, `unknown setting in ${path} (known: ${[...FILE_KEYS].join(', ')})`);
    }
    const settingKey = key as SettingKey;
    let text: string;
    if (typeof value === 'string') text = value;
    else if (settingKey === 'scopes' && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      text = value.join(' ');
    } else {
      throw new ConfigError(field, `must be a string (in ${path})`);
    }
    const spec = SETTINGS.find((s) => s.key === settingKey);
    out[settingKey] = spec?.path && !isAbsolute(text) ? resolve(dirname(path), text) : text;
  }
  return out;
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0] ?? '';
}

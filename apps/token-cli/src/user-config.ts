import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { USER_CONFIG_NAMES } from './config.js';
import { loadYaml, parseConfigFile, readConfigFile } from './config-file.js';
import { userConfigDir } from './paths.js';
import type { Settings } from './settings.js';

type Env = Record<string, string | undefined>;

/** The user's own config file: the one config.yaml|yml|json there is, else where config.yaml would go. */
export function userConfigFile(env: Env): string {
  const dir = userConfigDir(env);
  return USER_CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p)) ?? join(dir, 'config.yaml');
}

/**
 * Adds or replaces one profile in a config file (creating it, 0600 in a 0700 directory), keeping every
 * other profile and, in YAML, the comments. Sets defaultProfile only when there is none. The file as it
 * is and as it would be must both load as config files, or nothing is written (the error names the field).
 * Returns whether the profile became the default.
 */
export function writeProfile(path: string, name: string, settings: Settings): { madeDefault: boolean } {
  const exists = existsSync(path);
  if (exists) readConfigFile(path);
  const text = exists ? readFileSync(path, 'utf8') : '';
  const { out, madeDefault } = path.endsWith('.json')
    ? withJsonProfile(text, name, settings)
    : withYamlProfile(text, name, settings);
  parseConfigFile(path, out);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, out, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { madeDefault };
}

function withJsonProfile(text: string, name: string, settings: Settings) {
  const doc = (text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>;
  const profiles = (doc.profiles ?? {}) as Record<string, unknown>;
  doc.profiles = { ...profiles, [name]: settings };
  const madeDefault = doc.defaultProfile === undefined;
  if (madeDefault) doc.defaultProfile = name;
  return { out: `${JSON.stringify(doc, null, 2)}\n`, madeDefault };
}

function withYamlProfile(text: string, name: string, settings: Settings) {
  const doc = loadYaml().parseDocument(text);
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  doc.setIn(['profiles', name], doc.createNode(settings));
  const madeDefault = !doc.has('defaultProfile');
  if (madeDefault) doc.set('defaultProfile', name);
  return { out: doc.toString(), madeDefault };
}

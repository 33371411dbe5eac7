import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { USER_CONFIG_NAMES } from './config.js';
import { loadYaml, readConfigFile } from './config-file.js';
import { userConfigDir } from './paths.js';
import type { Settings } from './settings.js';

type Env = Record<string, string | undefined>;

/**
 * Adds or replaces one profile in the user's own config file (creating it, 0600 in a 0700 directory),
 * keeping every other profile and, in YAML, the comments. Sets defaultProfile only when there is none.
 * Used by `pnpm dev` to write the `local` profile. Returns the file path and whether it became the default.
 */
export function writeUserProfile(
  env: Env,
  name: string,
  settings: Settings,
): { path: string; madeDefault: boolean } {
  const dir = userConfigDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existing = USER_CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p));
  const path = existing ?? join(dir, 'config.yaml');
  const text = existing ? readFileSync(path, 'utf8') : '';
  let madeDefault = false;
  let out: string;
  if (path.endsWith('.json')) {
    const doc = (text.trim() ? JSON.parse(text) : {}) as Record<string, unknown>;
    const profiles = (doc.profiles ?? {}) as Record<string, unknown>;
    doc.profiles = { ...profiles, [name]: settings };
    if (doc.defaultProfile === undefined) {
      doc.defaultProfile = name;
      madeDefault = true;
    }
    out = `${JSON.stringify(doc, null, 2)}\n`;
  } else {
    const doc = loadYaml().parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`${path} is not valid YAML: ${doc.errors[0]?.message}`);
    if (doc.contents === null) doc.contents = doc.createNode({}) as never;
    doc.setIn(['profiles', name], doc.createNode(settings));
    if (!doc.has('defaultProfile')) {
      doc.set('defaultProfile', name);
      madeDefault = true;
    }
    out = doc.toString();
  }
  writeFileSync(path, out, { mode: 0o600 });
  chmodSync(path, 0o600);
  readConfigFile(path); // what was written must load
  return { path, madeDefault };
}

/**
 * Cedar's COGAUTH_CEDAR_* variables, in both directions, beside core's COGAUTH_* contract (which knows
 * nothing of Cedar): `readCedarEnvironment` loads the engine the Lambda bundle decides with, and
 * `writeCedarEnvironment` gives the CDK construct and the Serverless plugin the variables, which they check
 * by reading them back. A ConfigError names the variable (`COGAUTH_CEDAR_POLICIES_FILE: policy p at line 3…`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, type ConfigPath } from '@cogauth/core';
import { type CedarEngine, loadCedar } from './load.js';
import type { CedarWasm } from './wasm.js';

/** Environment variables: `process.env` or any map of names to values. */
export type CedarEnv = Readonly<Record<string, string | undefined>>;

export const POLICIES_FILE = 'COGAUTH_CEDAR_POLICIES_FILE';
export const SCHEMA_FILE = 'COGAUTH_CEDAR_SCHEMA_FILE';
export const NAMESPACE = 'COGAUTH_CEDAR_NAMESPACE';

/** What `writeCedarEnvironment` writes: files of the function, relative to its task root. */
export interface CedarEnvironmentSettings {
  /** The Cedar policies file (`policies.cedar`). */
  readonly policiesFile: string;
  /** The schema file (`schema.json`, JSON as Verified Permissions exports it, or Cedar schema text). */
  readonly schemaFile?: string;
  /** The Cedar namespace, when neither schema nor policies tell it. */
  readonly namespace?: string;
}

/** The COGAUTH_CEDAR_* variables for `settings`. */
export function writeCedarEnvironment(settings: CedarEnvironmentSettings): Record<string, string> {
  const env: Record<string, string> = { [POLICIES_FILE]: settings.policiesFile };
  if (settings.schemaFile !== undefined) env[SCHEMA_FILE] = settings.schemaFile;
  if (settings.namespace !== undefined) env[NAMESPACE] = settings.namespace;
  return env;
}

/**
 * The engine from COGAUTH_CEDAR_POLICIES_FILE (required), COGAUTH_CEDAR_SCHEMA_FILE and
 * COGAUTH_CEDAR_NAMESPACE: the files are read relative to LAMBDA_TASK_ROOT, then to the working directory
 * (as core reads COGAUTH_RULES_FILE), parsed and validated once. Throws a ConfigError naming the variable.
 */
export function readCedarEnvironment(env: CedarEnv = process.env, wasm?: CedarWasm): CedarEngine {
  const policiesFile = text(env, POLICIES_FILE);
  if (policiesFile === undefined)
    throw new ConfigError(POLICIES_FILE, 'is required (the Cedar policies file)');
  const schemaFile = text(env, SCHEMA_FILE);
  const namespace = text(env, NAMESPACE);
  const policies = readFile(env, POLICIES_FILE, policiesFile);
  const schema = schemaFile === undefined ? undefined : readFile(env, SCHEMA_FILE, schemaFile);
  try {
    return loadCedar({
      policies,
      ...(schema === undefined ? {} : { schema }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(wasm === undefined ? {} : { wasm }),
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(variableOf(err.path), err.detail);
  }
}

/** `['policies', 'p1']` → `['COGAUTH_CEDAR_POLICIES_FILE', 'p1']`: the variable that names the source. */
function variableOf(path: ConfigPath): ConfigPath {
  const [head, ...rest] = path;
  const name = head === 'schema' ? SCHEMA_FILE : head === 'namespace' ? NAMESPACE : POLICIES_FILE;
  return [name, ...rest];
}

function text(env: CedarEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function readFile(env: CedarEnv, name: string, path: string): string {
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

/**
 * Cedar's COGAUTH_CEDAR_* variables, in both directions, beside core's COGAUTH_* contract (which knows
 * nothing of Cedar): `readCedarEnvironment` loads the engine the Lambda bundle decides with, and
 * `writeCedarEnvironment` gives the CDK construct and the Serverless plugin the variables, which they check
 * by reading them back. A ConfigError names the variable (`COGAUTH_CEDAR_POLICIES_FILE: policy p at line 3…`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '@cogauth/core';
import { type CedarEngine, loadCedar } from './load.js';
import type { CedarWasm } from './wasm.js';

/** Environment variables: `process.env` or any map of names to values. */
export type CedarEnv = Readonly<Record<string, string | undefined>>;

export const POLICIES = 'COGAUTH_CEDAR_POLICIES';
export const POLICIES_FILE = 'COGAUTH_CEDAR_POLICIES_FILE';
export const SCHEMA = 'COGAUTH_CEDAR_SCHEMA';
export const SCHEMA_FILE = 'COGAUTH_CEDAR_SCHEMA_FILE';
export const NAMESPACE = 'COGAUTH_CEDAR_NAMESPACE';

/** A text given inline, or a file of the function (relative to its task root). */
export type CedarSource = { readonly file: string } | { readonly text: string };

/** What `writeCedarEnvironment` writes. */
export interface CedarEnvironmentSettings {
  /** The policies: `{ file: 'policies.cedar' }` (COGAUTH_CEDAR_POLICIES_FILE) or `{ text }` (COGAUTH_CEDAR_POLICIES). */
  readonly policies: CedarSource;
  /** The schema (JSON as Verified Permissions exports it, or Cedar schema text), the same two ways. */
  readonly schema?: CedarSource;
  /** The Cedar namespace, when neither schema nor policies tell it. */
  readonly namespace?: string;
}

/** The COGAUTH_CEDAR_* variables for `settings`. */
export function writeCedarEnvironment(settings: CedarEnvironmentSettings): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (source: CedarSource, inline: string, file: string) => {
    if ('file' in source) env[file] = source.file;
    else env[inline] = source.text;
  };
  put(settings.policies, POLICIES, POLICIES_FILE);
  if (settings.schema !== undefined) put(settings.schema, SCHEMA, SCHEMA_FILE);
  if (settings.namespace !== undefined) env[NAMESPACE] = settings.namespace;
  return env;
}

/**
 * The engine from COGAUTH_CEDAR_POLICIES_FILE or COGAUTH_CEDAR_POLICIES (one is required),
 * COGAUTH_CEDAR_SCHEMA_FILE or COGAUTH_CEDAR_SCHEMA, and COGAUTH_CEDAR_NAMESPACE: files are read relative to
 * LAMBDA_TASK_ROOT, then to the working directory (as core reads COGAUTH_RULES_FILE), parsed and validated
 * once. Throws a ConfigError naming the variable.
 */
export function readCedarEnvironment(env: CedarEnv = process.env, wasm?: CedarWasm): CedarEngine {
  const policies = textOrFile(env, POLICIES, POLICIES_FILE);
  if (policies === undefined)
    throw new ConfigError(POLICIES_FILE, `is required (the Cedar policies file; or ${POLICIES}, the text)`);
  const schema = textOrFile(env, SCHEMA, SCHEMA_FILE);
  const namespace = text(env, NAMESPACE);
  try {
    return loadCedar({
      policies: policies.value,
      ...(schema === undefined ? {} : { schema: schema.value }),
      ...(namespace === undefined ? {} : { namespace }),
      ...(wasm === undefined ? {} : { wasm }),
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const [head, ...rest] = err.path;
    const name = head === 'schema' ? schema?.name : head === 'namespace' ? NAMESPACE : policies.name;
    throw new ConfigError([name ?? NAMESPACE, ...rest], err.detail);
  }
}

/** Exactly one of `name` (the text) and `fileName` (a path to it), with the variable it came from. */
function textOrFile(
  env: CedarEnv,
  name: string,
  fileName: string,
): { name: string; value: string } | undefined {
  const inline = env[name];
  const file = text(env, fileName);
  if (inline !== undefined && inline.trim() !== '' && file !== undefined)
    throw new ConfigError(fileName, `set either ${name} or ${fileName}`);
  if (file !== undefined) return { name: fileName, value: readFile(env, fileName, file) };
  if (inline !== undefined && inline.trim() !== '') return { name, value: inline };
  return undefined;
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

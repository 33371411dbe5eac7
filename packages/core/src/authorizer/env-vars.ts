import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';

/** Environment variables: `process.env` or any map of names to values. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A JSON value and the variable it came from (the inline one or the file one). */
export interface JsonVariable {
  readonly name: string;
  readonly value: unknown;
}

/** The trimmed value of `name`; unset and blank are the same. */
export function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A comma list: items trimmed, empty items dropped. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One of `values` (the first is the default when unset). */
export function oneOf<T extends string>(env: Env, name: string, values: readonly [T, ...T[]]): T {
  const value = text(env, name) ?? values[0];
  if (!(values as readonly string[]).includes(value)) {
    const last = values[values.length - 1] as string;
    throw new ConfigError(name, `must be ${values.slice(0, -1).join(', ')} or ${last}`);
  }
  return value as T;
}

/** A decimal integer from `min` to `max`, or undefined when unset. */
export function integer(env: Env, name: string, min: number, max: number): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const n = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= min && n <= max)) throw new ConfigError(name, `must be an integer from ${min} to ${max}`);
  return n;
}

export function json(name: string, text: string): unknown {
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

/** Exactly one of `name` (inline JSON) and `fileName` (a path to it) may be set. */
export function jsonOrFile(env: Env, name: string, fileName: string): JsonVariable | undefined {
  const inline = text(env, name);
  const file = text(env, fileName);
  if (inline !== undefined && file !== undefined)
    throw new ConfigError(fileName, `set either ${name} or ${fileName}`);
  if (inline !== undefined) return { name, value: json(name, inline) };
  if (file !== undefined) return { name: fileName, value: json(fileName, readFile(env, fileName, file)) };
  return undefined;
}

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type ConfigPath } from '@cogauth/core';
import type { AccessModel } from '@cogauth/core/rules';
import type { CedarFiles, CogauthSettings } from './config.js';
import type { ZipFile } from './zip.js';

/** What the plugin uses of `@cogauth/cedar` (an optional peer dependency, imported only with `cedar`). */
interface CedarModule {
  loadCedar(options: { policies: string; schema?: string; namespace?: string }): CedarEngineLike;
  readCedarEnvironment(env: Readonly<Record<string, string | undefined>>): CedarEngineLike;
  writeCedarEnvironment(settings: {
    policies: { file: string } | { text: string };
    schema?: { file: string } | { text: string };
    namespace?: string;
  }): Record<string, string>;
}

interface CedarEngineLike extends AccessModel {
  readonly actions: readonly { readonly id: string; readonly perRequest: boolean }[];
  readonly requestContext: { readonly queryStringParameters: boolean };
}

/** Cedar policies loaded and checked at package time, and what the function ships for them. */
export interface CedarSetup {
  readonly module: CedarModule;
  /** The routes answered per request (their policies read path or query string parameters). */
  readonly perRequest: readonly string[];
  readonly readsQuery: boolean;
  /** The zip's files: @cogauth/cedar's bundle, the engine's .wasm and the policy files. */
  readonly files: ZipFile[];
  /** The COGAUTH_CEDAR_* variables: the files in the zip, or the texts inline (serverless offline). */
  environment(packaged: boolean): Record<string, string>;
}

const POLICIES_FILE = 'policies.cedar';

/** A ConfigError from `@cogauth/cedar`, which may hold another copy of `@cogauth/core`: by name and shape. */
export function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError' && Array.isArray((err as ConfigError).path);
}

async function cedarModule(): Promise<CedarModule> {
  try {
    return (await import('@cogauth/cedar')) as unknown as CedarModule;
  } catch {
    throw new ConfigError(
      ['custom', 'cogauth', 'cedar'],
      'needs the @cogauth/cedar package: npm i -D @cogauth/cedar',
    );
  }
}

/** Where a Cedar error belongs: `custom.cogauth.cedar.policiesFile (policies.cedar)` and the like. */
function placeOf(files: CedarFiles, head: unknown): ConfigPath {
  if (head === 'schema' && files.schemaFile)
    return ['custom', 'cogauth', 'cedar', `schemaFile (${files.schemaFile.display})`];
  if (head === 'namespace') return ['custom', 'cogauth', 'cedar', 'namespace'];
  return ['custom', 'cogauth', 'cedar', `policiesFile (${files.policiesFile.display})`];
}

function readText(file: { path: string; display: string }, key: string): string {
  try {
    return readFileSync(file.path, 'utf8');
  } catch (cause) {
    throw new ConfigError(
      ['custom', 'cogauth', 'cedar', key],
      `cannot read ${file.display} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** `@cogauth/cedar/lambda-bundle`'s directory: the bundle and the engine's .wasm. */
function bundleFiles(): ZipFile[] {
  const dir = dirname(fileURLToPath(import.meta.resolve('@cogauth/cedar/lambda-bundle')));
  return ['index.mjs', 'cedar_wasm_bg.wasm'].map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

/**
 * Loads `custom.cogauth.cedar` with `@cogauth/cedar` (parsed and validated: a bad policy stops the command
 * naming the file, the policy and its line and column) and lays out what the function ships.
 */
export async function cedarSetup(settings: CogauthSettings): Promise<CedarSetup | undefined> {
  const files = settings.cedar;
  if (files === undefined) return undefined;
  const module = await cedarModule();
  const policies = readText(files.policiesFile, 'policiesFile');
  const schema = files.schemaFile ? readText(files.schemaFile, 'schemaFile') : undefined;
  let engine: CedarEngineLike;
  try {
    engine = module.loadCedar({
      policies,
      ...(schema === undefined ? {} : { schema }),
      ...(files.namespace === undefined ? {} : { namespace: files.namespace }),
    });
  } catch (err) {
    if (!isConfigError(err)) throw err;
    throw new ConfigError([...placeOf(files, err.path[0]), ...err.path.slice(1)], err.detail);
  }
  const schemaFile =
    schema === undefined
      ? undefined
      : schema.trimStart().startsWith('{')
        ? 'schema.json'
        : 'schema.cedarschema';
  const zipFiles: ZipFile[] = [...bundleFiles(), { name: POLICIES_FILE, data: Buffer.from(policies) }];
  if (schema !== undefined && schemaFile !== undefined)
    zipFiles.push({ name: schemaFile, data: Buffer.from(schema) });
  const namespace = files.namespace === undefined ? {} : { namespace: files.namespace };
  return {
    module,
    perRequest: engine.actions.filter((a) => a.perRequest).map((a) => a.id),
    readsQuery: engine.requestContext.queryStringParameters,
    files: zipFiles,
    environment: (packaged) =>
      module.writeCedarEnvironment({
        policies: packaged ? { file: POLICIES_FILE } : { text: policies },
        ...(schema === undefined || schemaFile === undefined
          ? {}
          : { schema: packaged ? { file: schemaFile } : { text: schema } }),
        ...namespace,
      }),
  };
}

/**
 * What per-request policies need of API Gateway's cache: no caching (TTL 0, the default then; any other is
 * refused), and a REST REQUEST authorizer when they read the query string (a TOKEN event has none).
 */
export function applyCedarCache(settings: CogauthSettings, cedar: CedarSetup): void {
  const at = (key: string): ConfigPath => ['custom', 'cogauth', key];
  if (cedar.perRequest.length > 0) {
    if (settings.given.resultTtlSeconds && settings.resultTtlSeconds !== 0)
      throw new ConfigError(
        at('resultTtlSeconds'),
        `must be 0 with these Cedar policies: they read the request for ${cedar.perRequest.join(', ')}, and API ` +
          `Gateway would serve one request's answer to others`,
      );
    settings.resultTtlSeconds = 0;
  }
  if (cedar.readsQuery) {
    if (settings.given.restAuthorizerType && settings.restAuthorizerType === 'token')
      throw new ConfigError(
        at('restAuthorizerType'),
        "must be 'request': the Cedar policies read the query string, which a TOKEN event lacks",
      );
    settings.restAuthorizerType = 'request';
  }
}

/** The engine the function would build from `env` (its files in `taskRoot`), for the package-time check. */
export function engineOf(cedar: CedarSetup, env: Record<string, string>, taskRoot: string): AccessModel {
  return cedar.module.readCedarEnvironment({ ...env, LAMBDA_TASK_ROOT: taskRoot });
}

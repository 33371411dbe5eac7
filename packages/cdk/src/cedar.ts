import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ConfigError, type ConfigPath } from '@cogauth/core';
import type { AccessModel } from '@cogauth/core/rules';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const require = createRequire(import.meta.url);

/** What the construct uses of `@cogauth/cedar` (an optional peer dependency, loaded only with Cedar). */
interface CedarModule {
  loadCedar(options: { policies: string; schema?: string; namespace?: string }): CedarEngineLike;
  writeCedarEnvironment(settings: {
    policies: { file: string };
    schema?: { file: string };
    namespace?: string;
  }): Record<string, string>;
}

interface CedarEngineLike extends AccessModel {
  readonly actions: readonly { readonly id: string; readonly perRequest: boolean }[];
  readonly requestContext: { readonly pathParameters: boolean; readonly queryStringParameters: boolean };
}

export interface CogauthCedarFiles {
  /** The Cedar policies file (`policies.cedar`), as a Verified Permissions policy store holds them. */
  readonly policies: string;
  /** The schema: JSON as Verified Permissions exports it, or Cedar schema text. Policies are validated against it. */
  readonly schema?: string;
  /** The Cedar namespace (`MyApi`), when neither the schema nor the policies tell it. */
  readonly namespace?: string;
}

const POLICIES_FILE = 'policies.cedar';

/**
 * `@cogauth/cedar`'s CommonJS build (`dist/index.cjs`, shipped for this, not an export), required by path:
 * the construct runs synchronously, and requiring the ES module fails under a CommonJS hook such as tsx's
 * (`cdk.json`: `tsx bin/app.ts`), which resolves the engine's `@cedar-policy/cedar-wasm/web` import without
 * the `import` condition that subpath needs.
 */
function cedarModule(): CedarModule {
  let root: string;
  try {
    root = dirname(require.resolve('@cogauth/cedar/package.json'));
  } catch {
    throw new ConfigError('cedar', 'needs the @cogauth/cedar package: npm i @cogauth/cedar');
  }
  return require(join(root, 'dist', 'index.cjs')) as CedarModule;
}

/**
 * A ConfigError from `@cogauth/cedar`, which may hold another copy of `@cogauth/core` than this package (a
 * bundler, a test runner, a CommonJS app): recognised by name and shape, not by class.
 */
function isConfigError(err: unknown): err is ConfigError {
  return err instanceof Error && err.name === 'ConfigError' && Array.isArray((err as ConfigError).path);
}

function readText(field: ConfigPath, path: unknown): string {
  if (typeof path !== 'string' || path === '') throw new ConfigError(field, 'must be a file path');
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(field, `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * Cedar policies (and a schema) in place of `rules`: the policies of an Amazon Verified Permissions
 * API-linked policy store, decided in the authorizer by `@cogauth/cedar` (install it beside this package).
 * The files are read and validated now, at synth time: a policy that does not parse or validate fails the
 * synth naming the policy and its line and column. They ship in the function beside the Cedar bundle.
 */
export class CogauthCedar {
  /** Reads the files you name (only those), now. */
  static fromFiles(files: CogauthCedarFiles): CogauthCedar {
    if (typeof files !== 'object' || files === null)
      throw new ConfigError('cedar', 'must name the policies file');
    const policies = readText(['cedar', 'policies'], files.policies);
    const schema = files.schema === undefined ? undefined : readText(['cedar', 'schema'], files.schema);
    const namespace = files.namespace;
    const cedar = cedarModule();
    let engine: CedarEngineLike;
    try {
      engine = cedar.loadCedar({
        policies,
        ...(schema === undefined ? {} : { schema }),
        ...(namespace === undefined ? {} : { namespace }),
      });
    } catch (err) {
      if (!isConfigError(err)) throw err;
      const [head, ...rest] = err.path;
      const file = head === 'schema' ? files.schema : head === 'namespace' ? undefined : files.policies;
      const where = file === undefined ? '' : `${basename(file)}: `;
      throw new ConfigError(['cedar', String(head), ...rest], `${where}${err.detail}`);
    }
    const schemaFile = schema === undefined ? undefined : schemaFileName(schema);
    return new CogauthCedar(cedar, engine, policies, schema, schemaFile, namespace);
  }

  private constructor(
    private readonly cedar: CedarModule,
    /** @internal the engine, for the construct's checks */
    readonly engine: AccessModel,
    private readonly policies: string,
    private readonly schema: string | undefined,
    private readonly schemaFile: string | undefined,
    private readonly namespace: string | undefined,
  ) {}

  /** The routes whose policies read the request (path or query string parameters): answered per request. */
  get perRequestRoutes(): readonly string[] {
    return (this.engine as CedarEngineLike).actions.filter((a) => a.perRequest).map((a) => a.id);
  }

  /** Whether some policy reads the query string, which a REST TOKEN authorizer's event does not carry. */
  get readsQueryString(): boolean {
    return (this.engine as CedarEngineLike).requestContext.queryStringParameters;
  }

  /** @internal the COGAUTH_CEDAR_* variables of the function */
  environment(): Record<string, string> {
    return this.cedar.writeCedarEnvironment({
      policies: { file: POLICIES_FILE },
      ...(this.schemaFile === undefined ? {} : { schema: { file: this.schemaFile } }),
      ...(this.namespace === undefined ? {} : { namespace: this.namespace }),
    });
  }

  /**
   * @internal the function's code: `@cogauth/cedar`'s prebuilt bundle (index.mjs and the engine's .wasm) and
   * the policy files, staged into the cloud assembly by a local step (no Docker), hashed by content.
   */
  code(): lambda.Code {
    const dir = cedarBundleDir();
    const files = readdirSync(dir).sort();
    const extra: [string, string][] = [[POLICIES_FILE, this.policies]];
    if (this.schema !== undefined && this.schemaFile !== undefined)
      extra.push([this.schemaFile, this.schema]);
    const hash = createHash('sha256');
    for (const name of files) hash.update(name).update(readFileSync(join(dir, name)));
    for (const [name, text] of extra) hash.update(name).update(text);
    return lambda.Code.fromAsset(dir, {
      assetHashType: AssetHashType.CUSTOM,
      assetHash: hash.digest('hex'),
      bundling: {
        // Never pulled: the local step below always stages the files.
        image: DockerImage.fromRegistry('cogauth-no-docker-needed'),
        local: {
          tryBundle(outputDir: string): boolean {
            for (const name of files) copyFileSync(join(dir, name), join(outputDir, name));
            for (const [name, text] of extra) writeFileSync(join(outputDir, name), text);
            return true;
          },
        },
      },
    });
  }
}

/** `schema.json` for JSON as Verified Permissions exports it, `schema.cedarschema` for Cedar schema text. */
function schemaFileName(schema: string): string {
  return schema.trimStart().startsWith('{') ? 'schema.json' : 'schema.cedarschema';
}

const BUNDLE_FILES = ['cedar_wasm_bg.wasm', 'index.mjs'];

/** The directory of `@cogauth/cedar/lambda-bundle`: exactly the bundle and the engine's .wasm. */
function cedarBundleDir(): string {
  let file: string;
  try {
    file = require.resolve('@cogauth/cedar/lambda-bundle');
  } catch {
    throw new ConfigError(
      'cedar',
      'needs the @cogauth/cedar package (its lambda-bundle): npm i @cogauth/cedar',
    );
  }
  const dir = dirname(file);
  const entries = readdirSync(dir).sort();
  if (entries.join() !== BUNDLE_FILES.join())
    throw new Error(`${dir} must hold only ${BUNDLE_FILES.join(' and ')}, found: ${entries.join(', ')}`);
  return dir;
}

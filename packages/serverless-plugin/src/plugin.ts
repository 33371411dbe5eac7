import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Jwks } from '@cogauth/core';
import { type CogauthSettings, readJsonFile, readSettings } from './config.js';
import { environmentOf, JWKS_FILE, RULES_FILE } from './environment.js';
import { rewriteEvents } from './events.js';
import { fetchJwks, jwksSourceOf, publicJwks } from './jwks.js';
import { addMonitoring } from './monitoring.js';
import type { MonitoringSettings } from './monitoring-settings.js';
import { cogauthSchema } from './schema.js';
import type { PluginUtils, Serverless, ServerlessOptions } from './serverless-types.js';
import { validateWithCore } from './validate.js';
import { scopeWebSocketPermission } from './websocket-permission.js';
import { type ZipFile, zip } from './zip.js';

/** The Lambda entry of @cogauth/core, shipped as it is: no bundler, no Docker in the user's build. */
export function coreBundlePath(): string {
  return fileURLToPath(import.meta.resolve('@cogauth/core/lambda-bundle'));
}

const NODE_RUNTIME = /^nodejs(\d+)\.x$/;

/**
 * `plugins: [@cogauth/serverless-plugin]`: reads `custom.cogauth`, validates it with @cogauth/core at
 * package, deploy and offline start, adds the authorizer function and wires the events marked
 * `authorizer: cogauth`.
 */
export class CogauthServerlessPlugin {
  readonly hooks: Record<string, () => Promise<void>>;
  private prepared = false;
  private functionKey: string | undefined;
  private monitoring: MonitoringSettings | undefined;

  constructor(
    private readonly serverless: Serverless,
    _options: ServerlessOptions = {},
    private readonly utils: PluginUtils = {},
  ) {
    serverless.configSchemaHandler?.defineCustomProperties?.(cogauthSchema);
    this.hooks = {
      'before:package:initialize': () => this.prepare(true),
      'before:deploy:function:initialize': () => this.prepare(true),
      'before:offline:start': () => this.prepare(false),
      'before:offline:start:init': () => this.prepare(false),
      'after:package:compileEvents': async () => this.compileResources(),
    };
  }

  private async prepare(packaged: boolean): Promise<void> {
    if (this.prepared) return;
    this.prepared = true;
    try {
      await this.setUp(packaged);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new this.serverless.classes.Error(`cogauth: ${err.message}`, 'COGAUTH_CONFIG');
    }
  }

  /** Once osls compiled the functions and events: the WebSocket permission's scope, then monitoring. */
  private compileResources(): void {
    if (this.functionKey === undefined) return;
    scopeWebSocketPermission(this.serverless, this.functionKey);
    if (this.monitoring === undefined) return;
    try {
      addMonitoring(this.serverless, this.functionKey, this.monitoring);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      throw new this.serverless.classes.Error(`cogauth: ${err.message}`, 'COGAUTH_CONFIG');
    }
  }

  private serviceDir(): string {
    return this.serverless.serviceDir ?? this.serverless.config.servicePath;
  }

  private async jwksOf(
    settings: CogauthSettings,
    packaged: boolean,
    files: readonly ZipFile[],
  ): Promise<Jwks | undefined> {
    for (const [i, pool] of (settings.pools ?? []).entries()) {
      const jwks = (pool as { jwks?: unknown } | null)?.jwks;
      if (jwks !== undefined) publicJwks(jwks, ['custom', 'cogauth', 'pools', i, 'jwks']);
    }
    if (settings.jwksFile)
      return publicJwks(readJsonFile(settings.jwksFile, 'jwksFile'), ['custom', 'cogauth', 'jwksFile']);
    // serverless offline fetches at run time like any un-embedded authorizer: no network at start.
    if (!settings.fetchJwks || !packaged) return undefined;
    // Core's checks first, so the fetch reads only a URL the authorizer would accept (https, or http to
    // loopback unless allowInsecureHttp): a JWKS from a plain-http host is never embedded.
    validateWithCore(settings, undefined, packaged, files);
    return fetchJwks(jwksSourceOf(String(settings.userPoolId), settings.jwksUri, settings.issuer));
  }

  /** The zip's files before any JWKS: core's bundle and the rules. */
  private baseFiles(settings: CogauthSettings): ZipFile[] {
    return [
      { name: 'index.mjs', data: readFileSync(coreBundlePath()) },
      {
        name: RULES_FILE,
        data:
          settings.rulesSource.kind === 'file'
            ? readFileSync(settings.rulesSource.path)
            : Buffer.from(JSON.stringify(settings.rules)),
      },
    ];
  }

  private async setUp(packaged: boolean): Promise<void> {
    const service = this.serverless.service;
    const settings = readSettings(service.custom?.cogauth, this.serviceDir());
    const files = this.baseFiles(settings);
    const jwks = await this.jwksOf(settings, packaged, files);
    if (jwks !== undefined) files.push({ name: JWKS_FILE, data: Buffer.from(JSON.stringify(jwks)) });
    validateWithCore(settings, jwks, packaged, files);

    service.functions ??= {};
    if (service.functions[settings.functionKey] !== undefined)
      throw new ConfigError(
        ['custom', 'cogauth', 'functionName'],
        `a function named ${settings.functionKey} already exists: pick another functionName`,
      );
    const counts = rewriteEvents(service as unknown as Record<string, unknown>, settings);
    this.functionKey = settings.functionKey;
    this.monitoring = settings.monitoring;

    // Where osls stages every zip (it moves .serverless/ to --package afterwards), and where
    // serverless offline reads the artifact from.
    const artifact = join(this.serviceDir(), '.serverless', `${settings.functionKey}.zip`);
    mkdirSync(dirname(artifact), { recursive: true });
    writeFileSync(artifact, zip(files));

    const runtime = String(service.provider.runtime ?? '');
    const version = Number(NODE_RUNTIME.exec(runtime)?.[1] ?? 0);
    const stage = this.serverless.getProvider('aws').getStage();
    service.functions[settings.functionKey] = {
      name: `${service.service}-${stage}-${settings.functionKey}`,
      handler: 'index.handler',
      description: 'cogauth Cognito JWT authorizer (@cogauth/core)',
      runtime: version >= 20 ? runtime : 'nodejs22.x',
      environment: environmentOf(settings, jwks, packaged),
      package: { artifact },
      events: [],
    };

    const summary =
      `cogauth: ${settings.functionKey} guards ${counts.http} REST, ${counts.httpApi} HTTP API and ` +
      `${counts.websocket} WebSocket event(s); HTTP API answers ${settings.httpApiResponse}`;
    if (this.utils.log?.info) this.utils.log.info(summary);
    if (counts.http + counts.httpApi + counts.websocket === 0) {
      const warn = 'cogauth: no event is marked `authorizer: cogauth`: nothing is protected';
      if (this.utils.log?.warning) this.utils.log.warning(warn);
      else process.emitWarning(warn);
    }
  }
}

import type { ParseArgsConfig } from 'node:util';
import { askedProfile, domainUrl, type ResolvedConfig, resolveConfig } from './config.js';
import { type Io, warnSecretOnArgv } from './output.js';
import { isAwsUrl } from './url-policy.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  io: Io;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Flags > COGAUTH_* > config file; resolved on first use so `--help` never reads a file. */
  config(): ResolvedConfig;
  /**
   * The profile of this run, which also names its session: --profile, else COGAUTH_PROFILE, else the
   * config's defaultProfile, else `default`. The config file is read only when neither is set.
   */
  profile(): string;
}

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text (usage, options, an example). */
  help: string;
  options: OptionSpec;
  /** Most positional arguments the command takes. */
  maxPositionals: number;
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
  config: { type: 'string' },
  profile: { type: 'string' },
};

export const COMMON_HELP = `Common options:
  --config <file>       config file (COGAUTH_CONFIG; default: your own config file, then the nearest
                        cogauth.config.yaml|yml|json up the tree, which may not set pools, clients or URLs)
  --profile <name>      profile in the config file (env COGAUTH_PROFILE)
  --debug               print stack traces and where each setting came from
  -h, --help            this help`;

/** Options that point at a user pool and app client. */
export const POOL_OPTIONS: OptionSpec = {
  'user-pool-id': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
};

export const POOL_HELP = `Pool options (flag > env > config file):
  --user-pool-id <id>   e.g. us-east-1_AbC123 or local_4vYH1bWa   (COGAUTH_USER_POOL_ID)
  --client-id <id>      app client id                             (COGAUTH_CLIENT_IDS)
  --client-secret <s>   app client secret, when the client has one (COGAUTH_CLIENT_SECRET)
  --region <region>     optional when the pool id names it        (COGAUTH_REGION, AWS_REGION)
  --endpoint <url>      Cognito API endpoint, e.g. cognito-local   (COGAUTH_ENDPOINT)`;

export function makeContext(io: Io, values: CommandContext['values'], positionals: string[]): CommandContext {
  let resolved: ResolvedConfig | undefined;
  let profile: string | undefined;
  const config = (): ResolvedConfig => {
    if (resolved) return resolved;
    resolved = resolveConfig({ flags: values, env: io.env, cwd: io.cwd });
    announce(io, resolved);
    if (typeof values['client-secret'] === 'string') {
      warnSecretOnArgv(io, '--client-secret', 'COGAUTH_CLIENT_SECRET');
    }
    if (values.debug) {
      // Names and sources only: values may be secrets.
      const where = Object.entries(resolved.sources).map(([key, source]) => `${key}=${source}`);
      io.stderr.write(
        `cogauth: debug: config file ${resolved.configPath ?? 'none'}, profile ${resolved.profile ?? 'none'}; ` +
          `settings: ${where.join(' ') || 'none'}\n`,
      );
    }
    return resolved;
  };
  return {
    io,
    values,
    positionals,
    config,
    profile() {
      profile ??= askedProfile(values, io.env) ?? config().profile ?? 'default';
      return profile;
    },
  };
}

/**
 * One stderr line naming a config file that is not the user's own and every non-AWS URL in use, so a
 * surprising file or endpoint is never silent. Never a value that could be secret.
 */
function announce(io: Io, config: ResolvedConfig): void {
  const parts: string[] = [];
  const foreign = config.files.filter((f) => f.origin !== 'user');
  if (foreign.length > 0) {
    const profile = config.profile === undefined ? '' : `, profile ${config.profile}`;
    parts.push(`config ${foreign.map((f) => f.path).join(' + ')}${profile}`);
  }
  const { endpoint, domain, issuer, jwksUri } = config.settings;
  const urls: Array<[string, string | undefined]> = [
    ['endpoint', endpoint],
    ['domain', domain === undefined ? undefined : domainUrl(domain)],
    ['issuer', issuer],
    ['jwks-uri', jwksUri],
  ];
  for (const [name, value] of urls) {
    if (value === undefined) continue;
    const outside = value.split(',').filter((one) => !isAwsUrl(new URL(one.trim())));
    if (outside.length > 0) parts.push(`${name} ${outside.join(',')} (not AWS)`);
  }
  if (parts.length > 0) io.stderr.write(`cogauth: using ${parts.join('; ')}\n`);
}

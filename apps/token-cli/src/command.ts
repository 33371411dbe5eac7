import type { ParseArgsConfig } from 'node:util';
import { type ResolvedConfig, resolveConfig } from './config.js';
import type { Io } from './output.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  io: Io;
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Flags > COGAUTH_* > config file; resolved on first use so `--help` never reads a file. */
  config(): ResolvedConfig;
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
  --config <file>       config file (default: nearest cogauth.config.yaml|yml|json up the tree)
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
  --client-id <id>      app client id                             (COGAUTH_CLIENT_ID)
  --client-secret <s>   app client secret, when the client has one (COGAUTH_CLIENT_SECRET)
  --region <region>     optional when the pool id names it        (COGAUTH_REGION)
  --endpoint <url>      Cognito API endpoint, e.g. cognito-local   (COGAUTH_ENDPOINT)`;

export function makeContext(io: Io, values: CommandContext['values'], positionals: string[]): CommandContext {
  let cached: ResolvedConfig | undefined;
  return {
    io,
    values,
    positionals,
    config() {
      if (!cached) {
        cached = resolveConfig({ flags: values, env: io.env, cwd: io.cwd });
        if (values.debug) {
          // Names and sources only: values may be secrets.
          const where = Object.entries(cached.sources).map(([key, source]) => `${key}=${source}`);
          io.stderr.write(
            `cogauth: debug: config file ${cached.configPath ?? 'none'}, profile ${cached.profile ?? 'none'}; ` +
              `settings: ${where.join(' ') || 'none'}\n`,
          );
        }
      }
      return cached;
    },
  };
}

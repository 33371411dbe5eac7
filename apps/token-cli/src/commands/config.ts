import { resolve } from 'node:path';
import { isClientId, isRegion, parseUserPoolId } from '@cogauth/core/cognito';
import { parseAuthFlow } from '../auth-flow.js';
import { COMMON_HELP, type Command, type CommandContext, type OptionSpec } from '../command.js';
import { checkedDomain } from '../config.js';
import { UsageError } from '../errors.js';
import { note, printJson } from '../output.js';
import { checkProfileName } from '../session-store.js';
import { SETTINGS, type SettingKey, type Settings } from '../settings.js';
import { checkedUrl } from '../url-policy.js';

/** Every setting a profile may hold but the client secret, which stays in COGAUTH_CLIENT_SECRET. */
const PROFILE_SETTINGS = SETTINGS.filter(
  (s): s is typeof s & { flag: string } => s.flag !== undefined && s.key !== 'clientSecret',
);

const OPTIONS: OptionSpec = Object.fromEntries([
  ...PROFILE_SETTINGS.map((s) => [
    s.flag,
    s.key === 'scopes' ? { type: 'string', multiple: true } : { type: 'string' },
  ]),
  ['json', { type: 'boolean' }],
]);

/** One setting as given on the command line, checked as the CLI checks it where it is used. */
function checkedSetting(key: SettingKey, value: string, cwd: string): string {
  const flag = PROFILE_SETTINGS.find((s) => s.key === key)?.flag;
  const bad = (what: string) => new UsageError(`--${flag} must be ${what}`);
  switch (key) {
    case 'endpoint':
    case 'issuer':
    case 'jwksUri':
      for (const one of value.split(',')) checkedUrl(key, one.trim());
      return value;
    case 'domain':
      checkedDomain('domain', value);
      return value;
    case 'authFlow':
      return parseAuthFlow(value);
    case 'tokenUse':
      if (value !== 'access' && value !== 'id' && value !== 'any') throw bad('access, id or any');
      return value;
    case 'userPoolId':
      if (parseUserPoolId(value) === undefined) throw bad('a user pool id, e.g. eu-west-1_AbC123');
      return value;
    case 'clientId':
      if (!value.split(',').every((id) => isClientId(id.trim())))
        throw bad('app client ids, comma-separated');
      return value;
    case 'region':
      if (!isRegion(value)) throw bad('an AWS region, e.g. eu-west-1');
      return value;
    case 'jwksFile':
    case 'rules':
      // In a config file a relative path is read from the file's folder: store where it points now.
      return resolve(cwd, value);
    default:
      return value;
  }
}

function profileSettings(ctx: CommandContext): Settings {
  const settings: Settings = {};
  for (const { key, flag } of PROFILE_SETTINGS) {
    const raw = ctx.values[flag];
    const value = Array.isArray(raw) ? raw.join(' ') : raw;
    if (typeof value !== 'string' || value === '') continue;
    settings[key] = checkedSetting(key, value, ctx.io.cwd);
  }
  if (Object.keys(settings).length === 0) {
    throw new UsageError('set-profile needs at least one setting, e.g. --user-pool-id and --client-id');
  }
  return settings;
}

export const config: Command = {
  name: 'config',
  summary: 'write a profile into your own config file (config set-profile <name> --user-pool-id ...)',
  maxPositionals: 2,
  options: OPTIONS,
  help: `Usage: cogauth config set-profile <name> [settings]

Adds the profile <name> to your own config file, or replaces it: the file --config or COGAUTH_CONFIG
names, else $XDG_CONFIG_HOME/cogauth/config.yaml (~/.config/cogauth; created 0600 in a 0700 folder).
Other profiles and, in YAML, comments are kept; the profile becomes defaultProfile when there is none.
Each value is checked as the command that uses it checks it, and nothing is written when one fails.
The client secret is never written: give it in COGAUTH_CLIENT_SECRET.

Settings (the same flags as login, verify, check and m2m):
  --user-pool-id <id>  --client-id <id>  --region <r>  --endpoint <url>  --domain <host>
  --auth-flow <flow>  --username <name>  --scope <s> (repeatable)  --issuer <url>  --jwks-uri <url>
  --jwks-file <file>  --token-use <use>  --rules <file>   (files are stored as absolute paths)
  --json                print {profile, path, madeDefault}

${COMMON_HELP}

Example:
  cogauth config set-profile dev --user-pool-id eu-west-1_AbC123 --client-id 4p1a2b3c4d5e6f7g8h9i0j1k2
`,
  async run(ctx) {
    const [action, name] = ctx.positionals;
    if (action !== 'set-profile' || name === undefined) {
      throw new UsageError(
        'usage: cogauth config set-profile <name> [settings] (see "cogauth config --help")',
      );
    }
    if (ctx.values.profile !== undefined) throw new UsageError('name the profile once: set-profile <name>');
    checkProfileName(name);
    const settings = profileSettings(ctx);
    const { userConfigFile, writeProfile } = await import('../flows.js');
    const named = ctx.values.config ?? ctx.io.env.COGAUTH_CONFIG;
    const path =
      typeof named === 'string' && named !== '' ? resolve(ctx.io.cwd, named) : userConfigFile(ctx.io.env);
    const { madeDefault } = writeProfile(path, name, settings);
    if (ctx.values.json) printJson(ctx.io, { profile: name, path, madeDefault });
    note(
      ctx.io,
      `cogauth: profile ${name} written to ${path}${madeDefault ? ' (now your default profile)' : ''}`,
    );
    return 0;
  },
};

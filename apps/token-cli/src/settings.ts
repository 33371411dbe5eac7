/** Every setting the CLI reads from flags, `COGAUTH_*` variables or a config file. */
export interface Settings {
  userPoolId?: string;
  clientId?: string;
  clientSecret?: string;
  region?: string;
  endpoint?: string;
  username?: string;
  authFlow?: string;
  domain?: string;
  scopes?: string;
  issuer?: string;
  jwksUri?: string;
  /** A JWKS saved to a file (preloaded: no fetch while its keys match), as COGAUTH_JWKS_FILE in the Lambda. */
  jwksFile?: string;
  tokenUse?: string;
  rules?: string;
  /** Inline rules JSON (COGAUTH_RULES, as the Lambda reads it); never from a file or flag. */
  rulesJson?: string;
  /** AWS_REGION, else AWS_DEFAULT_REGION: used after --region and the pool id's own region, as the AWS CLI does. */
  defaultRegion?: string;
}

export type SettingKey = keyof Settings;

export interface SettingSpec {
  key: SettingKey;
  /** Kebab-case flag, or undefined for environment-only settings. */
  flag: string | undefined;
  env: string;
  /** A file path: relative to the config file it came from. */
  path?: true;
  /**
   * Decides where credentials go or which keys and tokens are trusted: a config file found by searching up
   * from the working directory may not set it (see README "Which config file may set what").
   */
  trusted?: true;
  /** Never read from a config file at all. */
  envOnly?: true;
}

/** Setting name, its flag and its environment variable (the Lambda's names where both read one). */
export const SETTINGS: readonly SettingSpec[] = [
  { key: 'userPoolId', flag: 'user-pool-id', env: 'COGAUTH_USER_POOL_ID', trusted: true },
  { key: 'clientId', flag: 'client-id', env: 'COGAUTH_CLIENT_IDS', trusted: true },
  { key: 'clientSecret', flag: 'client-secret', env: 'COGAUTH_CLIENT_SECRET', trusted: true },
  { key: 'region', flag: 'region', env: 'COGAUTH_REGION', trusted: true },
  { key: 'endpoint', flag: 'endpoint', env: 'COGAUTH_ENDPOINT', trusted: true },
  { key: 'username', flag: 'username', env: 'COGAUTH_USERNAME' },
  { key: 'authFlow', flag: 'auth-flow', env: 'COGAUTH_AUTH_FLOW', trusted: true },
  { key: 'domain', flag: 'domain', env: 'COGAUTH_DOMAIN', trusted: true },
  { key: 'scopes', flag: 'scope', env: 'COGAUTH_SCOPES' },
  { key: 'issuer', flag: 'issuer', env: 'COGAUTH_ISSUER', trusted: true },
  { key: 'jwksUri', flag: 'jwks-uri', env: 'COGAUTH_JWKS_URI', trusted: true },
  { key: 'jwksFile', flag: 'jwks-file', env: 'COGAUTH_JWKS_FILE', trusted: true, path: true },
  { key: 'tokenUse', flag: 'token-use', env: 'COGAUTH_TOKEN_USE', trusted: true },
  { key: 'rules', flag: 'rules', env: 'COGAUTH_RULES_FILE', path: true },
  { key: 'rulesJson', flag: undefined, env: 'COGAUTH_RULES', envOnly: true },
];

/** Keys a config file may hold. */
export const FILE_KEYS: ReadonlySet<string> = new Set(
  SETTINGS.filter((s) => !s.envOnly).map((s) => s.key as string),
);

export const TRUSTED_KEYS: ReadonlySet<string> = new Set(
  SETTINGS.filter((s) => s.trusted).map((s) => s.key as string),
);

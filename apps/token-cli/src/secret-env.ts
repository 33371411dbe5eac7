type Env = Record<string, string | undefined>;

/** The variables that hold secrets the CLI reads: passwords, codes, answers, the client secret, a refresh token. */
export const SECRET_VARIABLES: readonly string[] = [
  'COGAUTH_PASSWORD',
  'COGAUTH_NEW_PASSWORD',
  'COGAUTH_MFA_CODE',
  'COGAUTH_OTP_CODE',
  'COGAUTH_CUSTOM_ANSWER',
  'COGAUTH_CLIENT_SECRET',
  'COGAUTH_REFRESH_TOKEN',
];

/** The environment for a program the CLI starts (the browser opener): everything but those secrets. */
export function withoutSecrets(env: Env): Env {
  const out: Env = { ...env };
  for (const name of SECRET_VARIABLES) delete out[name];
  return out;
}

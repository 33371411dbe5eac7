import { type CognitoApi, cognitoFailure } from './cognito.js';
import type { AuthenticationResult, GetUserOutput } from './cognito-api.js';
import type { Settings } from './config.js';
import { CliError, UsageError } from './errors.js';
import { claimsOf, describeIdentity } from './identity.js';
import { type Io, isTty, printJson, style } from './output.js';

export const PRINT_CHOICES = ['access', 'id', 'refresh', 'header'] as const;
export type PrintChoice = (typeof PRINT_CHOICES)[number];

export interface Tokens {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  /** Lifetime in seconds; null when neither the answer nor the token says. */
  expiresIn: number | null;
}

/** Tokens just issued to this CLI, with what it keeps from the access token (decoded once, here). */
export interface Issued {
  tokens: Tokens;
  /** The access token's `username`: SECRET_HASH on refresh needs the real username, not an alias. */
  username: string | undefined;
  /** The access token's `exp`, ms since the epoch. */
  expiresAt: number | undefined;
}

/**
 * Tokens from a Cognito or pool-domain answer. `expiresIn` is the answer's, else the access token's
 * exp - iat (cognito-local leaves ExpiresIn out: the same number), else null.
 */
export function issuedTokens(answer: {
  accessToken: string;
  idToken: string | undefined;
  refreshToken: string | undefined;
  expiresIn: number | undefined;
}): Issued {
  const claims = claimsOf(answer.accessToken);
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  const lifetime = exp !== undefined && iat !== undefined ? exp - iat : null;
  return {
    tokens: {
      accessToken: answer.accessToken,
      idToken: answer.idToken,
      refreshToken: answer.refreshToken,
      expiresIn: answer.expiresIn ?? lifetime,
    },
    username: typeof claims.username === 'string' ? claims.username : undefined,
    expiresAt: exp === undefined ? undefined : exp * 1000,
  };
}

/** Cognito's AuthenticationResult; `keepRefresh` stands in when it holds no refresh token (a refresh). */
export function tokensOf(result: AuthenticationResult | undefined, keepRefresh?: string): Issued {
  if (!result?.AccessToken) throw new CliError('Cognito answered without an access token');
  return issuedTokens({
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? keepRefresh,
    expiresIn: result.ExpiresIn,
  });
}

export function parsePrintChoice(value: unknown, json: boolean): PrintChoice | undefined {
  if (value === undefined) return undefined;
  if (json) throw new UsageError('--print and --json cannot be combined');
  if (!PRINT_CHOICES.includes(value as PrintChoice)) {
    throw new UsageError(`--print must be one of ${PRINT_CHOICES.join(', ')} (got "${String(value)}")`);
  }
  return value as PrintChoice;
}

/**
 * Prints what login/refresh got. `--print` and `--json` as asked; otherwise a short human summary on a
 * terminal and the bare access token when stdout is piped, so `TOKEN=$(cogauth login ...)` just works.
 */
export async function printSession(
  io: Io,
  api: CognitoApi | undefined,
  settings: Settings,
  tokens: Tokens,
  mode: { json: boolean; print: PrintChoice | undefined; savedTo?: string | undefined },
): Promise<void> {
  if (mode.print) {
    io.stdout.write(`${pick(tokens, mode.print)}\n`);
    return;
  }
  if (!mode.json) {
    if (!isTty(io.stdout)) {
      io.stdout.write(`${tokens.accessToken}\n`);
      return;
    }
    const lines = describeIdentity(tokens, style(io));
    if (mode.savedTo) lines.push(`session:  saved to ${mode.savedTo}; "cogauth token" prints a fresh token`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  if (api === undefined) {
    printJson(io, { tokens });
    return;
  }
  let user: GetUserOutput;
  try {
    user = await api.call('GetUser', { AccessToken: tokens.accessToken });
  } catch (error) {
    throw cognitoFailure('GetUser failed', error, settings);
  }
  const attributes: Record<string, string> = {};
  for (const attribute of user.UserAttributes ?? []) {
    if (attribute.Name) attributes[attribute.Name] = attribute.Value ?? '';
  }
  printJson(io, { username: user.Username ?? '', attributes, tokens });
}

function pick(tokens: Tokens, choice: PrintChoice): string {
  switch (choice) {
    case 'access':
      return tokens.accessToken;
    case 'header':
      return `Authorization: Bearer ${tokens.accessToken}`;
    case 'id':
      if (!tokens.idToken) throw new CliError('Cognito returned no ID token');
      return tokens.idToken;
    case 'refresh':
      if (!tokens.refreshToken) throw new CliError('Cognito returned no refresh token');
      return tokens.refreshToken;
  }
}

import {
  type CognitoClaims,
  type CognitoVerifier,
  type CognitoVerifierOptions,
  ConfigError,
  createCognitoVerifier,
  VerifyError,
} from '@cogauth/core';
import { isAwsUserPoolId } from '@cogauth/core/cognito';
import { readVerifierEnvironment } from '@cogauth/core/lambda';
import { COMMON_HELP, type Command, type CommandContext } from '../command.js';
import type { Settings } from '../config.js';
import { CliError, EXIT_UNREACHABLE, UsageError } from '../errors.js';
import { expectedVsActual } from '../mismatch.js';
import { describeExpiry, note, printJson, style } from '../output.js';
import { tokenArgument } from '../prompt.js';
import { SETTINGS } from '../settings.js';

export const VERIFIER_OPTIONS = {
  'user-pool-id': { type: 'string' },
  'client-id': { type: 'string' },
  'token-use': { type: 'string' },
  issuer: { type: 'string' },
  'jwks-uri': { type: 'string' },
  'jwks-file': { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
} as const;

export const VERIFIER_HELP = `Verifier options (flag > env > config file):
  --user-pool-id <id>   pool that issued the token (COGAUTH_USER_POOL_ID)
  --client-id <id|*>    expected client_id / aud; "*" or unset skips the check (COGAUTH_CLIENT_IDS)
  --token-use <use>     access (default, as the deployed authorizer) | id | any (COGAUTH_TOKEN_USE)
  --issuer <url>        issuer override, e.g. http://127.0.0.1:9229/local_abc (COGAUTH_ISSUER)
  --jwks-uri <url>      JWKS override (COGAUTH_JWKS_URI; default <issuer>/.well-known/jwks.json)
  --jwks-file <file>    preloaded JWKS, e.g. saved with curl: no fetch while its keys match (COGAUTH_JWKS_FILE)
  --endpoint <url>      with a region-less pool id (cognito-local), the issuer defaults to <endpoint>/<poolId>`;

/**
 * Verifier options from the resolved settings, read as the deployed authorizer reads its COGAUTH_*
 * variables (core's `readVerifierEnvironment`: client ids trimmed, `*` alone or not at all, issuers
 * checked); an emulator pool (`local_x`) gets its issuer from --endpoint. No client id skips that check.
 */
export function verifierOptions(settings: Settings): CognitoVerifierOptions {
  const { userPoolId } = settings;
  if (!userPoolId)
    throw new UsageError(
      'no user pool id: pass --user-pool-id (or COGAUTH_USER_POOL_ID, or userPoolId in the config)',
    );
  let issuer = settings.issuer;
  if (!issuer && settings.endpoint && !isAwsUserPoolId(userPoolId)) {
    issuer = `${settings.endpoint.replace(/\/+$/, '')}/${userPoolId}`;
  }
  try {
    return readVerifierEnvironment({
      COGAUTH_USER_POOL_ID: userPoolId,
      COGAUTH_CLIENT_IDS: settings.clientId ?? '*',
      COGAUTH_TOKEN_USE: settings.tokenUse,
      COGAUTH_ISSUER: issuer,
      COGAUTH_JWKS_URI: settings.jwksUri,
      COGAUTH_JWKS_FILE: settings.jwksFile,
    }).options as CognitoVerifierOptions;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Name the flag as well as the variable: the value may have come from either, or from the config.
    const flag = SETTINGS.find((s) => s.env === error.field)?.flag;
    throw new UsageError(`${flag ? `--${flag} (${error.field})` : error.field}: ${error.detail}`);
  }
}

export function buildVerifier(ctx: CommandContext): {
  verifier: CognitoVerifier;
  options: CognitoVerifierOptions;
} {
  const options = verifierOptions(ctx.config().settings);
  const skipped: string[] = [];
  if (options.clientId === null) skipped.push('client_id/aud (no --client-id or COGAUTH_CLIENT_IDS, or "*")');
  if (options.tokenUse === null) skipped.push('token_use (--token-use any)');
  if (skipped.length > 0) note(ctx.io, `cogauth: note: not checked: ${skipped.join(', ')}`);
  return { verifier: createCognitoVerifier(options, { cache: false }), options };
}

export const verify: Command = {
  name: 'verify',
  summary: 'verify a token with @cogauth/core and print its claims (exit 0 valid, 1 invalid)',
  maxPositionals: 1,
  options: { ...VERIFIER_OPTIONS, json: { type: 'boolean' } },
  help: `Usage: cogauth verify [options] [token | -]

Verifies signature (JWKS), issuer, token_use, client and expiry exactly as the authorizer does, then prints
the claims, exp as a date and the time left. The token is the argument, or stdin when omitted or "-"
("Bearer " and "Authorization:" prefixes are stripped). Defaults are the deployed authorizer's
(token_use access); stderr names every check that is skipped. A refusal shows expected vs. actual iss,
client, token_use and exp. Exit 0 valid, 1 invalid, 3 the JWKS could not be fetched.

  --json                {valid, claims, expiresAt, expiresInSeconds} or {valid: false, code, message, details}

${VERIFIER_HELP}

${COMMON_HELP}

Example:
  cogauth login --profile dev -u alice --print access | cogauth verify --profile dev --token-use access
`,
  async run(ctx) {
    const { io, values } = ctx;
    const token = await tokenArgument(io, ctx.positionals[0], 'token');
    const { verifier, options } = buildVerifier(ctx);
    let claims: CognitoClaims;
    try {
      claims = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof VerifyError)) throw error;
      const details = expectedVsActual(token, options);
      if (values.json) printJson(io, { valid: false, code: error.code, message: error.message, details });
      if (error.code === 'JWKS_UNAVAILABLE') {
        throw new CliError(`cannot check the token: JWKS_UNAVAILABLE: ${error.message} (${details})`, {
          cause: error,
          exitCode: EXIT_UNREACHABLE,
        });
      }
      throw new CliError(`invalid token: ${error.code}: ${error.message} (${details})`, { cause: error });
    }
    const expiresInSeconds = Math.round(claims.exp - Date.now() / 1000);
    if (values.json) {
      printJson(io, {
        valid: true,
        claims,
        expiresAt: new Date(claims.exp * 1000).toISOString(),
        expiresInSeconds,
      });
      return 0;
    }
    io.stdout.write(`${style(io).good(`valid ${claims.token_use} token`)}\n`);
    io.stdout.write(`${JSON.stringify(claims, null, 2)}\n`);
    io.stdout.write(`expires: ${describeExpiry(claims.exp)}\n`);
    return 0;
  },
};

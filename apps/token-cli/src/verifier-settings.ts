import {
  type CognitoVerifier,
  type CognitoVerifierOptions,
  ConfigError,
  createCognitoVerifier,
} from '@cogauth/core';
import { isAwsUserPoolId } from '@cogauth/core/cognito';
import { readVerifierEnvironment } from '@cogauth/core/lambda';
import type { CommandContext } from './command.js';
import type { Settings } from './config.js';
import { UsageError } from './errors.js';
import { note } from './output.js';
import { SETTINGS } from './settings.js';

// The verifier `verify` and `check` build from the resolved settings, with the deployed authorizer's
// defaults, and the flags and help text they share.

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

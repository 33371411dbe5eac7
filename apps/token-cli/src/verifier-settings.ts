import { readFileSync } from 'node:fs';
import {
  type CognitoVerifier,
  type CognitoVerifierOptions,
  createCognitoVerifier,
  isAwsUserPoolId,
  type Jwks,
} from '@cogauth/core';
import type { CommandContext } from './command.js';
import type { Settings } from './config.js';
import { UsageError } from './errors.js';
import { note } from './output.js';

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

/** Verifier options from the resolved settings; an emulator pool (`local_x`) gets its issuer from --endpoint. */
export function verifierOptions(settings: Settings): CognitoVerifierOptions {
  const { userPoolId } = settings;
  if (!userPoolId)
    throw new UsageError(
      'no user pool id: pass --user-pool-id (or COGAUTH_USER_POOL_ID, or userPoolId in the config)',
    );
  // The deployed authorizer's default (COGAUTH_TOKEN_USE unset = access): an ID token is refused there.
  const tokenUse = settings.tokenUse ?? 'access';
  if (tokenUse !== 'access' && tokenUse !== 'id' && tokenUse !== 'any') {
    throw new UsageError(`--token-use must be access, id or any (got "${tokenUse}")`);
  }
  const clientId =
    settings.clientId === undefined || settings.clientId === '*' ? null : settings.clientId.split(',');
  let issuer = settings.issuer?.split(',');
  if (!issuer && settings.endpoint && !isAwsUserPoolId(userPoolId)) {
    issuer = [`${settings.endpoint.replace(/\/+$/, '')}/${userPoolId}`];
  }
  return {
    userPoolId,
    tokenUse: tokenUse === 'any' ? null : tokenUse,
    clientId,
    ...(issuer ? { issuer } : {}),
    ...(settings.jwksUri ? { jwksUri: settings.jwksUri } : {}),
    ...(settings.jwksFile ? { jwks: readJwksFile(settings.jwksFile) } : {}),
  };
}

function readJwksFile(path: string): Jwks {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--jwks-file: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    return JSON.parse(text) as Jwks;
  } catch {
    throw new UsageError(`--jwks-file: ${path} is not valid JSON`);
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

import { type CognitoClaims, VerifyError } from '@cogauth/core';
import { COMMON_HELP, type Command } from '../command.js';
import { CliError, EXIT_UNREACHABLE } from '../errors.js';
import { expectedVsActual } from '../mismatch.js';
import { describeExpiry, printJson, style } from '../output.js';
import { tokenArgument } from '../prompt.js';
import { buildVerifier, VERIFIER_HELP, VERIFIER_OPTIONS } from '../verifier-settings.js';

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

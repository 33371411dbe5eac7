import { decodeJwt } from '@cogauth/core';
import { COMMON_HELP, type Command } from '../command.js';
import { CliError } from '../errors.js';
import { describeExpiry, printJson } from '../output.js';
import { tokenArgument } from '../prompt.js';

const LABEL = 'UNVERIFIED: signature, issuer and expiry were NOT checked (use "cogauth verify")';

export const decode: Command = {
  name: 'decode',
  summary: 'print a token header and claims WITHOUT verifying it',
  maxPositionals: 1,
  options: { json: { type: 'boolean' } },
  help: `Usage: cogauth decode [options] [token | -]

Prints the header and the claims of a JWT without checking anything but its structure.
Clearly labelled unverified: never trust what it prints. The token is the argument or stdin.

  --json                {verified: false, header, payload}

${COMMON_HELP}

Example:
  cogauth decode eyJraWQiOi...
`,
  async run(ctx) {
    const { io, values } = ctx;
    const token = await tokenArgument(io, ctx.positionals[0], 'token');
    let decoded: ReturnType<typeof decodeJwt>;
    try {
      decoded = decodeJwt(token);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new CliError(`cannot decode: ${code ? `${code}: ` : ''}${(error as Error).message}`, {
        cause: error,
      });
    }
    if (values.json) {
      printJson(io, { verified: false, header: decoded.header, payload: decoded.payload });
      return 0;
    }
    io.stdout.write(`${LABEL}\n`);
    io.stdout.write(`header: ${JSON.stringify(decoded.header, null, 2)}\n`);
    io.stdout.write(`payload: ${JSON.stringify(decoded.payload, null, 2)}\n`);
    const exp = decoded.payload.exp;
    if (typeof exp === 'number') io.stdout.write(`exp: ${describeExpiry(exp)}\n`);
    return 0;
  },
};

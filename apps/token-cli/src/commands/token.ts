import { COMMON_HELP, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { freshSession } from '../session-flow.js';

const DEFAULT_MARGIN = 60;

export const token: Command = {
  name: 'token',
  summary: 'print a valid token from the saved session, refreshing it when it is about to expire',
  maxPositionals: 0,
  options: {
    access: { type: 'boolean' },
    id: { type: 'boolean' },
    'min-valid': { type: 'string' },
  },
  help: `Usage: cogauth token [--access | --id] [--profile <name>]

Prints a token from the session "cogauth login" saved, and nothing else. When it expires within
--min-valid seconds it is refreshed first (silently; the new tokens are saved), so this always works:
  curl -H "Authorization: Bearer $(cogauth token)" https://api.example.com/messages

Options:
  --access              the access token (default)
  --id                  the ID token
  --min-valid <s>       refresh when fewer seconds are left (default ${DEFAULT_MARGIN})
  If the app client has a secret, refreshing needs COGAUTH_CLIENT_SECRET (it is never saved).
  A refresh goes to the Cognito endpoint or pool domain of your configuration (COGAUTH_* variables,
  --config or your own config file), and only when the session was made there: the session file alone
  never decides where the refresh token or client secret goes.

${COMMON_HELP}

Example:
  cogauth login --profile dev && curl -H "Authorization: Bearer $(cogauth token --profile dev)" "$API/me"
`,
  async run(ctx) {
    const { values, io } = ctx;
    if (values.access && values.id) throw new UsageError('use either --access or --id');
    const margin = values['min-valid'] === undefined ? DEFAULT_MARGIN : Number(values['min-valid']);
    if (!Number.isInteger(margin) || margin < 0 || margin > 86_400) {
      throw new UsageError('--min-valid must be a whole number of seconds from 0 to 86400');
    }
    const session = await freshSession(ctx, margin);
    if (values.id) {
      if (!session.idToken) throw new UsageError('this session has no ID token');
      io.stdout.write(`${session.idToken}\n`);
    } else io.stdout.write(`${session.accessToken}\n`);
    return 0;
  },
};

import { COMMON_HELP, type Command } from '../command.js';
import { describeIdentity, identityJson } from '../identity.js';
import { printJson, style } from '../output.js';
import { freshSession } from '../session-flow.js';

export const whoami: Command = {
  name: 'whoami',
  summary: 'show the logged-in user, groups, scopes and token expiry',
  maxPositionals: 0,
  options: { json: { type: 'boolean' } },
  help: `Usage: cogauth whoami [--profile <name>] [--json]

Shows who the saved session belongs to: user, groups, scopes and when the access token expires
(refreshing it first when it has expired). Read from the tokens Cognito issued to this CLI.

  --json                {profile, username, sub, email, groups, scopes, expiresAt}

${COMMON_HELP}

Example:
  cogauth whoami --profile dev
`,
  async run(ctx) {
    const profile = ctx.profile();
    const session = await freshSession(ctx, 0);
    if (ctx.values.json) {
      printJson(ctx.io, { profile, ...identityJson(session) });
      return 0;
    }
    const lines = describeIdentity(session, style(ctx.io));
    lines.push(`profile:  ${profile}`);
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

import { type AuthFlow, authenticate, parseAuthFlow } from '../authenticate.js';
import { type CognitoApi, createCognitoClient } from '../cognito.js';
import type { AuthenticationResult } from '../cognito-api.js';
import { COMMON_HELP, type Command, type CommandContext, POOL_HELP, POOL_OPTIONS } from '../command.js';
import { requireClientId, type Settings } from '../config.js';
import { UsageError } from '../errors.js';
import { type Io, printJson, startSpinner, warnSecretOnArgv } from '../output.js';
import { promptLine, promptSecret, readStdin } from '../prompt.js';
import { cognitoSessionBase, sessionOf } from '../session-flow.js';
import { saveSession } from '../session-store.js';
import { parsePrintChoice, printSession, tokensOf } from '../tokens.js';

/** The password from --password, --password-stdin or a no-echo prompt, in that order. */
export async function readPassword(
  io: Io,
  values: CommandContext['values'],
  username: string,
): Promise<string> {
  const fromFlag = values.password;
  if (typeof fromFlag === 'string' && values['password-stdin']) {
    throw new UsageError('use either --password or --password-stdin, not both');
  }
  if (typeof fromFlag === 'string') {
    warnSecretOnArgv(io, '--password', 'the prompt or --password-stdin');
    return fromFlag;
  }
  if (values['password-stdin']) {
    const text = (await readStdin(io)).replace(/\r?\n$/, '');
    if (!text) throw new UsageError('--password-stdin: stdin was empty');
    return text;
  }
  return promptSecret(io, `Password for ${username}: `, 'pass --password-stdin (or --password)');
}

function parseAttributes(values: CommandContext['values']): Record<string, string> {
  const out: Record<string, string> = {};
  const list = values.attribute;
  for (const pair of Array.isArray(list) ? list : []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--attribute must look like name=value (got "${pair}")`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

export const login: Command = {
  name: 'login',
  summary: 'log a user in (USER_SRP_AUTH or USER_PASSWORD_AUTH) and print the tokens',
  maxPositionals: 0,
  options: {
    ...POOL_OPTIONS,
    username: { type: 'string', short: 'u' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'auth-flow': { type: 'string' },
    'new-password': { type: 'string' },
    'totp-code': { type: 'string' },
    attribute: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    print: { type: 'string' },
    'no-save': { type: 'boolean' },
    browser: { type: 'boolean' },
    domain: { type: 'string' },
    scope: { type: 'string', multiple: true },
    port: { type: 'string' },
    'no-browser': { type: 'boolean' },
    'identity-provider': { type: 'string' },
  },
  help: `Usage: cogauth login [options]

Logs a user in with InitiateAuth, answers challenges, then calls GetUser.
Saves the session (profile "default" unless --profile) for "cogauth token", "whoami" and "logout":
a 0600 file in your state directory (~/.local/state/cogauth/sessions, or $XDG_STATE_HOME/cogauth).
On a terminal it then shows who logged in; piped, it prints the bare access token (or --json, --print).

Options:
  -u, --username <name>     user name or alias (COGAUTH_USERNAME; prompted on a terminal)
  --password-stdin          read the password from stdin (for scripts)
  --password <pw>           the password; WARNING: it stays in your shell history and in "ps"
                            (default: prompted without echo on a terminal)
  --auth-flow <flow>        USER_SRP_AUTH (default) or USER_PASSWORD_AUTH (COGAUTH_AUTH_FLOW)
  --new-password <pw>       answer NEW_PASSWORD_REQUIRED without a prompt
  --attribute name=value    required attribute for NEW_PASSWORD_REQUIRED (repeatable)
  --totp-code <code>        answer SOFTWARE_TOKEN_MFA without a prompt
  --json                    {username, attributes, tokens: {accessToken, idToken, refreshToken, expiresIn}}
  --print <what>            print only access | id | refresh | header ("Authorization: Bearer ...")
  --no-save                 do not save the session

Browser login (hosted UI, federated identity providers such as Google or SAML):
  --browser                 authorization code + PKCE at <domain>/oauth2/authorize, redirect caught on
                            http://127.0.0.1:<random port>/callback; opens a browser where there is one,
                            otherwise prints the URL
  --domain <host|url>       the pool domain, e.g. my-app.auth.eu-west-1.amazoncognito.com (COGAUTH_DOMAIN)
  --scope <scope>           repeatable (default: openid email profile)
  --port <n>                fixed port, when the app client's callback URL names one
  --identity-provider <n>   go straight to this provider (Cognito identity_provider), e.g. Google
  --no-browser              only print the URL

${POOL_HELP}

${COMMON_HELP}

Examples:
  cogauth login --profile dev -u alice
  TOKEN=$(cogauth login --endpoint http://127.0.0.1:9229 --user-pool-id local_abc --client-id 1a2b \\
      --auth-flow USER_PASSWORD_AUTH -u alice --password-stdin --print access < pw.txt)
`,
  async run(ctx) {
    const { io, values } = ctx;
    const json = values.json === true;
    const print = parsePrintChoice(values.print, json);
    const { settings } = ctx.config();
    if (values.browser) return runBrowserLogin(ctx, settings, { json, print });
    const authFlow = parseAuthFlow(settings.authFlow);
    const attributes = parseAttributes(values);
    const username =
      settings.username ?? (await promptLine(io, 'Username: ', 'pass --username (or COGAUTH_USERNAME)'));
    if (!username) throw new UsageError('no username given');
    const password = await readPassword(io, values, username);
    const api = createCognitoClient(settings);
    return runLogin(ctx, api, { settings, authFlow, attributes, username, password, json, print });
  },
};

async function runBrowserLogin(
  ctx: CommandContext,
  settings: Settings,
  mode: { json: boolean; print: ReturnType<typeof parsePrintChoice> },
): Promise<number> {
  const { io, values } = ctx;
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535)) {
    throw new UsageError('--port must be a port number from 1 to 65535');
  }
  const { browserLogin } = await import('../browser-login.js');
  const issued = await browserLogin(io, settings, {
    ...(port === undefined ? {} : { port }),
    ...(values['no-browser'] ? { noBrowser: true } : {}),
    ...(typeof values['identity-provider'] === 'string'
      ? { identityProvider: values['identity-provider'] }
      : {}),
  });
  let savedTo: string | undefined;
  if (!values['no-save']) {
    const base = {
      profile: ctx.profile(),
      kind: 'oauth' as const,
      clientId: requireClientId(settings),
      domain: settings.domain as string,
    };
    savedTo = saveSession(io.env, sessionOf(base, issued));
  }
  if (mode.json) printJson(io, { tokens: issued.tokens });
  else await printSession(io, undefined, settings, issued.tokens, { ...mode, savedTo });
  return 0;
}

async function runLogin(
  ctx: CommandContext,
  api: CognitoApi,
  opts: {
    settings: Settings;
    authFlow: AuthFlow;
    attributes: Record<string, string>;
    username: string;
    password: string;
    json: boolean;
    print: ReturnType<typeof parsePrintChoice>;
  },
): Promise<number> {
  const { io, values } = ctx;
  const { settings, authFlow, attributes, username, password, json, print } = opts;
  const canPrompt = !values['password-stdin'];
  const spinner = startSpinner(io, `Logging in ${username}`);
  let result: AuthenticationResult;
  try {
    result = await authenticate(api, {
      settings,
      authFlow,
      username,
      password,
      attributes,
      ...(typeof values['new-password'] === 'string' ? { newPassword: values['new-password'] } : {}),
      ...(typeof values['totp-code'] === 'string' ? { totpCode: values['totp-code'] } : {}),
      ...(canPrompt
        ? {
            ask: async (what: 'NEW_PASSWORD' | 'TOTP_CODE') => {
              spinner.stop();
              if (what === 'TOTP_CODE') return promptLine(io, 'Authenticator code: ', 'pass --totp-code');
              const first = await promptSecret(io, 'New password: ', 'pass --new-password');
              const again = await promptSecret(io, 'New password again: ', 'pass --new-password');
              if (first !== again) throw new UsageError('the new passwords differ');
              return first;
            },
          }
        : {}),
    });
  } finally {
    spinner.stop();
  }
  const issued = tokensOf(result);
  let savedTo: string | undefined;
  if (!values['no-save']) {
    const base = cognitoSessionBase(ctx.profile(), settings, requireClientId(settings));
    savedTo = saveSession(io.env, sessionOf(base, issued));
  }
  await printSession(io, api, settings, issued.tokens, { json, print, savedTo });
  return 0;
}

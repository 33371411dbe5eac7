import { parseAuthFlow } from '../auth-flow.js';
import { createCognitoClient } from '../cognito.js';
import { COMMON_HELP, type Command, type CommandContext, POOL_HELP, POOL_OPTIONS } from '../command.js';
import { requireClientId, type Settings } from '../config.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';
import { promptLine } from '../prompt.js';
import { cognitoSessionBase, sessionOf } from '../session-flow.js';
import { saveSessionLocked } from '../session-lock.js';
import {
  type AuthFlow,
  FIRST_FACTORS,
  type FirstFactor,
  MFA_FACTORS,
  type MfaFactor,
  type SignInChoices,
} from '../sign-in/types.js';
import { parsePrintChoice, printSession, tokensOf } from '../tokens.js';

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

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const normal = String(value).toUpperCase().replace(/-/g, '_');
  const found = allowed.find((a) => a === normal);
  if (found === undefined)
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${String(value)}")`);
  return found;
}

/** The choices and non-secret answers of the command line (the secrets come through sign-in/answers.ts). */
function choicesOf(values: CommandContext['values']): SignInChoices {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const challenge = oneOf<FirstFactor>('challenge', values.challenge, FIRST_FACTORS);
  const mfa = oneOf<MfaFactor>('mfa', values.mfa, MFA_FACTORS);
  const newPassword = text('new-password');
  const totpCode = text('totp-code');
  const secretFile = text('totp-secret-file');
  return {
    attributes: parseAttributes(values),
    ...(challenge === undefined ? {} : { challenge }),
    ...(mfa === undefined ? {} : { mfa }),
    ...(newPassword === undefined ? {} : { newPasswordFlag: newPassword }),
    ...(totpCode === undefined ? {} : { totpCodeFlag: totpCode }),
    ...(secretFile === undefined ? {} : { totpSecretFile: secretFile }),
  };
}

/** --challenge names a USER_AUTH first factor, so it implies that flow; with another flow it is an error. */
function flowOf(setting: string | undefined, choices: SignInChoices): AuthFlow {
  if (choices.challenge === undefined) return parseAuthFlow(setting);
  const flow = setting === undefined ? 'USER_AUTH' : parseAuthFlow(setting);
  if (flow !== 'USER_AUTH') {
    throw new UsageError(`--challenge chooses a first factor of --auth-flow USER_AUTH, not ${flow}`);
  }
  return flow;
}

export const login: Command = {
  name: 'login',
  summary: 'log a user in (SRP, password, USER_AUTH codes, MFA, remembered devices) and print the tokens',
  maxPositionals: 0,
  options: {
    ...POOL_OPTIONS,
    username: { type: 'string', short: 'u' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    'codes-stdin': { type: 'boolean' },
    'auth-flow': { type: 'string' },
    challenge: { type: 'string' },
    mfa: { type: 'string' },
    'new-password': { type: 'string' },
    'totp-code': { type: 'string' },
    'totp-secret-file': { type: 'string' },
    attribute: { type: 'string', multiple: true },
    'remember-device': { type: 'boolean' },
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

Logs a user in with InitiateAuth, answers every challenge Cognito sends, then calls GetUser.
Saves the session (profile "default" unless --profile) for "cogauth token", "whoami" and "logout":
a 0600 file in your state directory (~/.local/state/cogauth/sessions, or $XDG_STATE_HOME/cogauth).
On a terminal it then shows who logged in and whether the email is verified; piped, it prints the bare
access token (or --json, --print).

Options:
  -u, --username <name>     user name or alias (COGAUTH_USERNAME; prompted on a terminal)
  --auth-flow <flow>        USER_SRP_AUTH (default), USER_PASSWORD_AUTH, USER_AUTH (choice-based:
                            password, email or SMS codes, passkeys) or CUSTOM_AUTH (COGAUTH_AUTH_FLOW)
  --challenge <factor>      USER_AUTH's first factor: PASSWORD_SRP, PASSWORD, EMAIL_OTP, SMS_OTP or
                            WEB_AUTHN (implies --auth-flow USER_AUTH; otherwise a menu on a terminal)
  --mfa <factor>            answer SELECT_MFA_TYPE: SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA
  --attribute name=value    required attribute for NEW_PASSWORD_REQUIRED (repeatable)
  --remember-device         where the pool tracks devices, remember this one (ConfirmDevice): later logins
                            here prove the device instead of an MFA code, as the pool allows
  --json                    {username, attributes, tokens: {accessToken, idToken, refreshToken, expiresIn}}
  --print <what>            print only access | id | refresh | header ("Authorization: Bearer ...")
  --no-save                 do not save the session

Answers (passwords, codes), never needed on the command line. The password: --password-stdin, else
COGAUTH_PASSWORD, else a prompt. Any other answer: its variable, else a --codes-stdin line, else a prompt.
  the answer's variable     COGAUTH_PASSWORD, COGAUTH_NEW_PASSWORD (NEW_PASSWORD_REQUIRED),
                            COGAUTH_MFA_CODE (SMS_MFA, EMAIL_OTP after a password, SOFTWARE_TOKEN_MFA),
                            COGAUTH_OTP_CODE (USER_AUTH's EMAIL_OTP, SMS_OTP), COGAUTH_CUSTOM_ANSWER
                            (CUSTOM_CHALLENGE); each answers one challenge at most
  --password-stdin          the password is stdin (its first line with --codes-stdin)
  --codes-stdin             every other answer is the next line of stdin, read when its challenge comes
                            (stderr says "cogauth: <CHALLENGE>: reading ... from stdin" first)
  a prompt                  on a terminal, without echo (a wrong code may be typed again)
  --totp-secret-file <f>    MFA_SETUP without a terminal: write the new authenticator's otpauth:// URI to
                            this new 0600 file (on a terminal it is shown on screen instead)
  --password <pw>           the password; WARNING: it stays in your shell history and in "ps"
  --new-password <pw>, --totp-code <code>: the same WARNING; kept for scripts that use them (each of these
                            three argv forms comes before every other source of its answer)

Browser login (hosted UI, federated identity providers such as Google or SAML, passkeys):
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
  cogauth login --profile dev -u alice --challenge EMAIL_OTP        # a code by email, no password
  COGAUTH_MFA_CODE=$(oathtool --totp -b "$SEED") cogauth login -u alice --password-stdin < pw.txt
  TOKEN=$(cogauth login --endpoint http://127.0.0.1:9229 --user-pool-id local_abc --client-id 1a2b \\
      --auth-flow USER_PASSWORD_AUTH -u alice --password-stdin --print access < pw.txt)
`,
  async run(ctx) {
    const { io, values } = ctx;
    const json = values.json === true;
    const print = parsePrintChoice(values.print, json);
    const { settings } = ctx.config();
    if (values.browser) return runBrowserLogin(ctx, settings, { json, print });
    const choices = choicesOf(values);
    const flow = flowOf(settings.authFlow, choices);
    if (values['remember-device'] && values['no-save']) {
      throw new UsageError('--remember-device keeps a device file, --no-save keeps nothing: choose one');
    }
    const clientId = requireClientId(settings);
    const username =
      settings.username ?? (await promptLine(io, 'Username: ', 'pass --username (or COGAUTH_USERNAME)'));
    if (!username) throw new UsageError('no username given');
    const api = createCognitoClient(settings);
    const { runSignIn } = await import('../flows.js');
    const signedIn = await runSignIn({
      io,
      api,
      settings,
      clientId,
      flow,
      username,
      profile: ctx.profile(),
      choices,
      rememberDevice: values['remember-device'] === true,
      answers: {
        passwordStdin: values['password-stdin'] === true,
        codesStdin: values['codes-stdin'] === true,
        passwordFlag: typeof values.password === 'string' ? values.password : undefined,
      },
    });
    const issued = tokensOf(signedIn.result);
    let savedTo: string | undefined;
    if (!values['no-save']) {
      const base = cognitoSessionBase(ctx.profile(), settings, clientId);
      const deviceKey = signedIn.deviceKey;
      const session = sessionOf({ ...base, ...(deviceKey ? { deviceKey } : {}) }, issued);
      savedTo = await saveSessionLocked(io.env, session);
    }
    await printSession(io, api, settings, issued.tokens, { json, print, savedTo });
    return 0;
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
  const { browserLogin } = await import('../flows.js');
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
    savedTo = await saveSessionLocked(io.env, sessionOf(base, issued));
  }
  if (mode.json) printJson(io, { tokens: issued.tokens });
  else await printSession(io, undefined, settings, issued.tokens, { ...mode, savedTo });
  return 0;
}

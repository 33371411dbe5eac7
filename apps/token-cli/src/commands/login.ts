import type { AuthenticationResultType, ChallengeNameType } from '@aws-sdk/client-cognito-identity-provider';
import { type CognitoApi, cognitoFailure, createCognitoClient } from '../cognito.js';
import { COMMON_HELP, type Command, type CommandContext, POOL_HELP, POOL_OPTIONS } from '../command.js';
import { requireClientId, type Settings } from '../config.js';
import { CliError, UsageError } from '../errors.js';
import { type Io, startSpinner, warnSecretOnArgv } from '../output.js';
import { promptLine, promptSecret, readStdin } from '../prompt.js';
import { secretHash } from '../secret-hash.js';
import { cognitoSessionBase, sessionOf } from '../session-flow.js';
import { saveSession } from '../session-store.js';
import { SrpSession } from '../srp.js';
import { parsePrintChoice, printSession, tokensOf } from '../tokens.js';

export type AuthFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';

export interface LoginInput {
  settings: Settings;
  authFlow: AuthFlow;
  username: string;
  password: string;
  /** Answers a challenge when no flag did; undefined = no way to ask. */
  ask?: (challenge: 'NEW_PASSWORD' | 'TOTP_CODE') => Promise<string>;
  newPassword?: string;
  totpCode?: string;
  /** For NEW_PASSWORD_REQUIRED when the pool requires attributes, e.g. {name: 'Alice'}. */
  attributes?: Record<string, string>;
  /** Injected in tests; otherwise a random 1024-bit `a`. */
  srpSession?: SrpSession;
}

const MAX_CHALLENGES = 5;

/** InitiateAuth, then answer challenges until Cognito hands out tokens. */
export async function authenticate(api: CognitoApi, input: LoginInput): Promise<AuthenticationResultType> {
  const { settings, username } = input;
  const clientId = requireClientId(settings);
  const hashFor = (name: string): Record<string, string> =>
    settings.clientSecret ? { SECRET_HASH: secretHash(name, clientId, settings.clientSecret) } : {};

  let srp: SrpSession | undefined;
  const authParameters: Record<string, string> = { USERNAME: username, ...hashFor(username) };
  if (input.authFlow === 'USER_SRP_AUTH') {
    if (!settings.userPoolId) {
      throw new UsageError(
        'USER_SRP_AUTH needs --user-pool-id (its name is part of the SRP proof); or use --auth-flow USER_PASSWORD_AUTH',
      );
    }
    srp = input.srpSession ?? new SrpSession(settings.userPoolId);
    authParameters.SRP_A = srp.srpA;
  } else {
    authParameters.PASSWORD = input.password;
  }

  let response: {
    AuthenticationResult?: AuthenticationResultType;
    ChallengeName?: ChallengeNameType | string;
    ChallengeParameters?: Record<string, string>;
    Session?: string;
  };
  try {
    response = await api.call('InitiateAuth', {
      AuthFlow: input.authFlow,
      ClientId: clientId,
      AuthParameters: authParameters,
    });
  } catch (error) {
    throw cognitoFailure('login failed', error, settings);
  }

  // Cognito identifies the user by the real username once it has said it, even after an alias login.
  let userId = username;
  for (let round = 0; round < MAX_CHALLENGES; round += 1) {
    if (response.AuthenticationResult) return response.AuthenticationResult;
    const challenge = response.ChallengeName;
    const params = response.ChallengeParameters ?? {};
    userId = params.USER_ID_FOR_SRP ?? params.USERNAME ?? userId;
    let answers: Record<string, string>;
    switch (challenge) {
      case 'PASSWORD_VERIFIER': {
        if (!srp) throw new CliError('Cognito sent PASSWORD_VERIFIER outside USER_SRP_AUTH');
        const { SALT, SRP_B, SECRET_BLOCK } = params;
        if (!SALT || !SRP_B || !SECRET_BLOCK) {
          throw new CliError('Cognito sent PASSWORD_VERIFIER without SALT, SRP_B or SECRET_BLOCK');
        }
        const proof = srp.respond({
          userIdForSrp: userId,
          password: input.password,
          salt: SALT,
          srpB: SRP_B,
          secretBlock: SECRET_BLOCK,
        });
        answers = {
          USERNAME: userId,
          PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
          PASSWORD_CLAIM_SIGNATURE: proof.signature,
          TIMESTAMP: proof.timestamp,
        };
        break;
      }
      case 'NEW_PASSWORD_REQUIRED': {
        const newPassword = input.newPassword ?? (await askOrFail(input, 'NEW_PASSWORD', '--new-password'));
        answers = { USERNAME: userId, NEW_PASSWORD: newPassword };
        const required = parseRequired(params.requiredAttributes);
        const missing = required.filter((name) => input.attributes?.[name] === undefined);
        if (missing.length > 0) {
          throw new UsageError(
            `NEW_PASSWORD_REQUIRED also needs the attributes ${missing.join(', ')}: pass --attribute name=value`,
          );
        }
        for (const [name, value] of Object.entries(input.attributes ?? {}))
          answers[`userAttributes.${name}`] = value;
        break;
      }
      case 'SOFTWARE_TOKEN_MFA': {
        const code = input.totpCode ?? (await askOrFail(input, 'TOTP_CODE', '--totp-code'));
        answers = { USERNAME: userId, SOFTWARE_TOKEN_MFA_CODE: code };
        break;
      }
      default:
        throw new CliError(
          `Cognito asked for the ${challenge ?? 'unnamed'} challenge, which cogauth does not answer ` +
            '(it handles PASSWORD_VERIFIER, NEW_PASSWORD_REQUIRED and SOFTWARE_TOKEN_MFA)',
        );
    }
    try {
      response = await api.call('RespondToAuthChallenge', {
        ClientId: clientId,
        ChallengeName: challenge as ChallengeNameType,
        ChallengeResponses: { ...answers, ...hashFor(userId) },
        Session: response.Session,
      });
    } catch (error) {
      throw cognitoFailure(`${challenge} challenge failed`, error, settings);
    }
  }
  throw new CliError(`login did not finish after ${MAX_CHALLENGES} challenges`);
}

async function askOrFail(
  input: LoginInput,
  what: 'NEW_PASSWORD' | 'TOTP_CODE',
  flag: string,
): Promise<string> {
  const challenge = what === 'NEW_PASSWORD' ? 'NEW_PASSWORD_REQUIRED' : 'SOFTWARE_TOKEN_MFA';
  if (!input.ask) throw new UsageError(`Cognito asks for ${challenge}: pass ${flag}`);
  return input.ask(what);
}

function parseRequired(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    if (!Array.isArray(list)) return [];
    return list
      .filter((x): x is string => typeof x === 'string')
      .map((x) => x.replace(/^userAttributes\./, ''));
  } catch {
    return [];
  }
}

export function parseAuthFlow(value: string | undefined): AuthFlow {
  const normal = (value ?? 'USER_SRP_AUTH').toUpperCase().replace(/-/g, '_');
  if (normal === 'USER_SRP_AUTH' || normal === 'SRP') return 'USER_SRP_AUTH';
  if (normal === 'USER_PASSWORD_AUTH' || normal === 'PASSWORD') return 'USER_PASSWORD_AUTH';
  throw new UsageError(`--auth-flow must be USER_SRP_AUTH or USER_PASSWORD_AUTH (got "${value}")`);
}

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
    const authFlow = parseAuthFlow(settings.authFlow);
    const attributes = parseAttributes(values);
    const username =
      settings.username ?? (await promptLine(io, 'Username: ', 'pass --username (or COGAUTH_USERNAME)'));
    if (!username) throw new UsageError('no username given');
    const password = await readPassword(io, values, username);
    const api = await createCognitoClient(settings);
    try {
      return await runLogin(ctx, api, { settings, authFlow, attributes, username, password, json, print });
    } finally {
      api.destroy();
    }
  },
};

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
  let result: AuthenticationResultType;
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
  const tokens = tokensOf(result);
  let savedTo: string | undefined;
  if (!values['no-save']) {
    const profile = ctx.config().profile ?? 'default';
    const base = cognitoSessionBase(profile, settings, requireClientId(settings));
    savedTo = saveSession(io.env, sessionOf(base, tokens));
  }
  await printSession(io, api, settings, tokens, { json, print, savedTo });
  return 0;
}

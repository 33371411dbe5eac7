import { type CognitoApi, cognitoFailure } from './cognito.js';
import type { AuthenticationResult, AuthResponse, ChallengeName } from './cognito-api.js';
import { requireClientId, type Settings } from './config.js';
import { CliError, UsageError } from './errors.js';
import { secretHash } from './secret-hash.js';
import { SrpSession } from './srp.js';

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
export async function authenticate(api: CognitoApi, input: LoginInput): Promise<AuthenticationResult> {
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

  let response: AuthResponse;
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
    let answered: ChallengeName;
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
        answered = challenge;
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
        answered = challenge;
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
        answered = challenge;
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
        ChallengeName: answered,
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

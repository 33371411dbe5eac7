import { CogauthError } from '@cogauth/core';
import { jsonObjectOf, postRaw } from './http.js';

// The Cognito user pools API as the CLI uses it: JSON over HTTPS (AWS JSON 1.1), one POST per operation
// named in X-Amz-Target. The operations the CLI calls are unauthenticated or authorised by the user's own
// access token (no SigV4, no AWS credentials), so this replaces the ~20 MB AWS SDK client.

export type AuthFlowType =
  | 'USER_SRP_AUTH'
  | 'USER_PASSWORD_AUTH'
  | 'USER_AUTH'
  | 'CUSTOM_AUTH'
  | 'REFRESH_TOKEN_AUTH';

/** A challenge name as Cognito sends it (ChallengeNameType); `src/sign-in/table.ts` says which are answered. */
export type ChallengeName = string;

/** A device Cognito started tracking at this sign-in (AuthenticationResultType.NewDeviceMetadata). */
export interface NewDeviceMetadata {
  DeviceKey: string;
  DeviceGroupKey: string;
}

export interface AuthenticationResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
  TokenType?: string;
  NewDeviceMetadata?: NewDeviceMetadata;
}

/** What InitiateAuth and RespondToAuthChallenge answer. */
export interface AuthResponse {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
  /** USER_AUTH: the first factors this user may choose from (InitiateAuth's AvailableChallenges). */
  AvailableChallenges?: string[];
}

export interface InitiateAuthInput {
  AuthFlow: AuthFlowType;
  ClientId: string;
  AuthParameters: Record<string, string>;
}

export interface RespondToAuthChallengeInput {
  ClientId: string;
  ChallengeName: ChallengeName;
  ChallengeResponses: Record<string, string>;
  Session?: string | undefined;
}

export interface GetUserOutput {
  Username?: string;
  UserAttributes?: Array<{ Name: string; Value?: string }>;
}

/** Refresh that also works on clients that rotate refresh tokens; the secret itself, not SECRET_HASH. */
export interface GetTokensFromRefreshTokenInput {
  RefreshToken: string;
  ClientId: string;
  ClientSecret?: string;
  /** The device the tokens are bound to, in a pool that tracks devices. */
  DeviceKey?: string;
}

export interface RevokeTokenInput {
  Token: string;
  ClientId: string;
  ClientSecret?: string;
}

/** AssociateSoftwareToken / VerifySoftwareToken during sign-in (an MFA_SETUP session) or with an access token. */
export type SoftwareTokenAuth = { Session: string } | { AccessToken: string };

export interface ConfirmDeviceInput {
  AccessToken: string;
  DeviceKey: string;
  /** base64 of the verifier's and the salt's big-endian bytes. */
  DeviceSecretVerifierConfig: { PasswordVerifier: string; Salt: string };
  DeviceName?: string;
}

interface Calls {
  InitiateAuth: [InitiateAuthInput, AuthResponse];
  RespondToAuthChallenge: [RespondToAuthChallengeInput, AuthResponse];
  GetTokensFromRefreshToken: [GetTokensFromRefreshTokenInput, AuthResponse];
  GetUser: [{ AccessToken: string }, GetUserOutput];
  RevokeToken: [RevokeTokenInput, Record<string, never>];
  AssociateSoftwareToken: [SoftwareTokenAuth, { SecretCode?: string; Session?: string }];
  VerifySoftwareToken: [
    SoftwareTokenAuth & { UserCode: string; FriendlyDeviceName?: string },
    { Status?: string; Session?: string },
  ];
  ConfirmDevice: [ConfirmDeviceInput, { UserConfirmationNecessary?: boolean }];
  UpdateDeviceStatus: [
    { AccessToken: string; DeviceKey: string; DeviceRememberedStatus: 'remembered' | 'not_remembered' },
    Record<string, never>,
  ];
  ForgetDevice: [{ AccessToken: string; DeviceKey: string }, Record<string, never>];
}
export type CognitoAction = keyof Calls;

/**
 * The Cognito calls the CLI makes; tests may pass any object with `call`. Nothing to close: every call's
 * socket closes when it is answered.
 */
export interface CognitoApi {
  call<A extends CognitoAction>(action: A, input: Calls[A][0]): Promise<Calls[A][1]>;
}

/** Cognito refused a call: `code` is its error type (`NotAuthorizedException`), `status` the HTTP status. */
export class CognitoError extends CogauthError {
  override name = 'CognitoError';
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status: number) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const COGNITO_TIMEOUT_MS = 15_000;
const MAX_MESSAGE_LENGTH = 500;

/**
 * A client for `endpoint` (already checked: https, or http to loopback). Request bodies hold passwords and
 * tokens: they are sent, never logged or put into an error. A network failure rejects with the Node error
 * (its `code`, e.g. ECONNREFUSED, ETIMEDOUT); an error answer with a CognitoError.
 */
export function cognitoApiAt(endpoint: URL, timeoutMs = COGNITO_TIMEOUT_MS): CognitoApi {
  return {
    async call(action, input) {
      const res = await postRaw(
        endpoint,
        JSON.stringify(input),
        {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
          accept: 'application/json',
        },
        timeoutMs,
      );
      const json = jsonObjectOf(res.body);
      if (res.status < 200 || res.status >= 300) throw errorOf(res.status, res.headers, json);
      if (json === undefined) {
        throw new CognitoError(
          'InvalidResponse',
          `Cognito answered HTTP ${res.status} without a JSON object`,
          res.status,
        );
      }
      return outputOf(action, json) as never;
    },
  };
}

/** The error type from `X-Amzn-ErrorType` or the body's `__type` / `code`, as AWS JSON protocols send it. */
function errorOf(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  json: Record<string, unknown> | undefined,
): CognitoError {
  const header = headers['x-amzn-errortype'];
  const raw = [typeof header === 'string' ? header : undefined, json?.__type, json?.code].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const code = raw === undefined ? undefined : errorTypeOf(raw);
  const message = json?.message ?? json?.Message;
  return new CognitoError(
    code ?? `HTTP${status}`,
    typeof message === 'string' && message !== ''
      ? printable(message)
      : `Cognito answered HTTP ${status}${code ? '' : ' without an error type'}`,
    status,
  );
}

/**
 * `aws.cognito#NotAuthorizedException:http://…` -> `NotAuthorizedException`: the part after the namespace
 * and before any `:`; only a plain identifier is kept (it is printed and matched against hints).
 */
export function errorTypeOf(raw: string): string | undefined {
  const colon = raw.indexOf(':');
  const noSuffix = colon >= 0 ? raw.slice(0, colon) : raw;
  const name = noSuffix.slice(noSuffix.lastIndexOf('#') + 1).trim();
  return /^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(name) ? name : undefined;
}

/** A message from the endpoint, shown on a terminal: no control characters (escape sequences), bounded. */
export function printable(message: string): string {
  let out = '';
  for (const ch of message.slice(0, MAX_MESSAGE_LENGTH)) {
    const c = ch.codePointAt(0) ?? 0;
    out += c < 0x20 || (c >= 0x7f && c < 0xa0) ? ' ' : ch;
  }
  return message.length > MAX_MESSAGE_LENGTH ? `${out}…` : out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringsOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

// Challenge names and device keys are matched and stored: only Cognito's own shapes pass
// (ChallengeNameType values; DeviceKey's pattern in the API reference, `[\w-]+_[0-9a-f-]+`, 1-55 characters).
const CHALLENGE_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const DEVICE_GROUP_KEY = /^[\w-]{1,128}$/;

/** `<region>_<uuid>`: split at the last `_`, so each part is checked by an unambiguous class. */
export function isDeviceKey(key: string): boolean {
  const cut = key.lastIndexOf('_');
  return (
    key.length <= 55 &&
    cut > 0 &&
    /^[\w-]+$/.test(key.slice(0, cut)) &&
    /^[0-9a-f-]+$/.test(key.slice(cut + 1))
  );
}

export function isDeviceGroupKey(key: string): boolean {
  return DEVICE_GROUP_KEY.test(key);
}

function deviceMetadataOf(value: unknown): NewDeviceMetadata | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const key = str((value as Record<string, unknown>).DeviceKey);
  const group = str((value as Record<string, unknown>).DeviceGroupKey);
  if (key === undefined || !isDeviceKey(key)) return undefined;
  if (group === undefined || !isDeviceGroupKey(group)) return undefined;
  return { DeviceKey: key, DeviceGroupKey: group };
}

/** Only fields of the expected types pass: the rest of the CLI can trust the declared shapes. */
function outputOf(action: CognitoAction, json: Record<string, unknown>): unknown {
  if (action === 'RevokeToken' || action === 'UpdateDeviceStatus' || action === 'ForgetDevice') return {};
  if (action === 'AssociateSoftwareToken' || action === 'VerifySoftwareToken') {
    const out: Record<string, string> = {};
    for (const key of ['SecretCode', 'Session', 'Status']) {
      const v = str(json[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (action === 'ConfirmDevice') {
    const necessary = json.UserConfirmationNecessary;
    return typeof necessary === 'boolean' ? { UserConfirmationNecessary: necessary } : {};
  }
  if (action === 'GetUser') {
    const attributes = Array.isArray(json.UserAttributes) ? json.UserAttributes : [];
    const out: GetUserOutput = {
      UserAttributes: attributes.flatMap((a: unknown) => {
        const name = str((a as { Name?: unknown } | null)?.Name);
        const value = str((a as { Value?: unknown }).Value);
        return name === undefined
          ? []
          : [value === undefined ? { Name: name } : { Name: name, Value: value }];
      }),
    };
    const username = str(json.Username);
    if (username !== undefined) out.Username = username;
    return out;
  }
  const out: AuthResponse = {};
  const result = json.AuthenticationResult;
  if (typeof result === 'object' && result !== null) {
    const r = result as Record<string, unknown>;
    const tokens: AuthenticationResult = {};
    for (const key of ['AccessToken', 'IdToken', 'RefreshToken', 'TokenType'] as const) {
      const v = str(r[key]);
      if (v !== undefined) tokens[key] = v;
    }
    if (typeof r.ExpiresIn === 'number' && Number.isFinite(r.ExpiresIn)) tokens.ExpiresIn = r.ExpiresIn;
    const device = deviceMetadataOf(r.NewDeviceMetadata);
    if (device !== undefined) tokens.NewDeviceMetadata = device;
    out.AuthenticationResult = tokens;
  }
  const challenge = str(json.ChallengeName);
  if (challenge !== undefined) {
    // A name outside Cognito's shape is kept only to be reported (printable), never matched.
    out.ChallengeName = CHALLENGE_NAME.test(challenge) ? challenge : printable(challenge.slice(0, 64));
  }
  if (Array.isArray(json.AvailableChallenges)) {
    out.AvailableChallenges = json.AvailableChallenges.filter(
      (c): c is string => typeof c === 'string' && CHALLENGE_NAME.test(c),
    );
  }
  const params = stringsOf(json.ChallengeParameters);
  if (params !== undefined) out.ChallengeParameters = params;
  const session = str(json.Session);
  if (session !== undefined) out.Session = session;
  return out;
}

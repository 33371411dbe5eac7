import { CogauthError } from '@cogauth/core';
import { jsonObjectOf, postRaw } from './http.js';

// The Cognito user pools API as the CLI uses it: JSON over HTTPS (AWS JSON 1.1), one POST per operation
// named in X-Amz-Target. InitiateAuth, RespondToAuthChallenge, GetUser and RevokeToken are unauthenticated
// (no SigV4, no AWS credentials), so this replaces the ~20 MB AWS SDK client.

export type AuthFlowType = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH';

/** The challenges cogauth answers; Cognito may name others, which are reported as unsupported. */
export type ChallengeName = 'PASSWORD_VERIFIER' | 'NEW_PASSWORD_REQUIRED' | 'SOFTWARE_TOKEN_MFA';

export interface AuthenticationResult {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
  TokenType?: string;
}

/** What InitiateAuth and RespondToAuthChallenge answer. */
export interface AuthResponse {
  AuthenticationResult?: AuthenticationResult;
  ChallengeName?: string;
  ChallengeParameters?: Record<string, string>;
  Session?: string;
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

export interface RevokeTokenInput {
  Token: string;
  ClientId: string;
  ClientSecret?: string;
}

interface Calls {
  InitiateAuth: [InitiateAuthInput, AuthResponse];
  RespondToAuthChallenge: [RespondToAuthChallengeInput, AuthResponse];
  GetUser: [{ AccessToken: string }, GetUserOutput];
  RevokeToken: [RevokeTokenInput, Record<string, never>];
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
function printable(message: string): string {
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

/** Only fields of the expected types pass: the rest of the CLI can trust the declared shapes. */
function outputOf(action: CognitoAction, json: Record<string, unknown>): unknown {
  if (action === 'RevokeToken') return {};
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
    out.AuthenticationResult = tokens;
  }
  const challenge = str(json.ChallengeName);
  if (challenge !== undefined) out.ChallengeName = printable(challenge);
  const params = stringsOf(json.ChallengeParameters);
  if (params !== undefined) out.ChallengeParameters = params;
  const session = str(json.Session);
  if (session !== undefined) out.Session = session;
  return out;
}

import { EXPIRED_SESSION, fail, INVALID_SESSION, notAuthorized } from './errors.js';
import { newSessionId } from './ids.js';
import type { MfaFactor } from './model.js';
import type { SrpExchange } from './srp-server.js';

// The `Session` of a sign-in between InitiateAuth and the tokens. Each answer that moves the sign-in on
// gets a new session id (Cognito sends a new Session with every challenge); a session lives for the app
// client's AuthSessionValidity (3 minutes by default, per CreateUserPoolClient in the API reference) from
// the challenge it carries, and then answers NotAuthorizedException.

export interface SentCode {
  code: string;
  expiresAt: number;
}

export type Pending =
  | { challenge: 'PASSWORD_VERIFIER'; srp: SrpExchange }
  | { challenge: 'DEVICE_SRP_AUTH' }
  | { challenge: 'DEVICE_PASSWORD_VERIFIER'; srp: SrpExchange }
  | { challenge: 'NEW_PASSWORD_REQUIRED' }
  | { challenge: 'SMS_MFA' | 'EMAIL_OTP' | 'SMS_OTP'; code: SentCode }
  | { challenge: 'SOFTWARE_TOKEN_MFA' }
  | { challenge: 'SELECT_MFA_TYPE'; choices: MfaFactor[] }
  | { challenge: 'MFA_SETUP'; choices: MfaFactor[]; secret: Buffer | undefined; verified: boolean }
  | { challenge: 'SELECT_CHALLENGE'; choices: string[] }
  | { challenge: 'PASSWORD' | 'PASSWORD_SRP' }
  | { challenge: 'WEB_AUTHN'; nonce: string }
  | { challenge: 'CUSTOM_CHALLENGE'; attempts: number };

export type SignInFlow = 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'USER_AUTH' | 'CUSTOM_AUTH';

export interface AuthSession {
  id: string;
  poolId: string;
  clientId: string;
  /** undefined: a made-up user (PreventUserExistenceErrors); every answer then fails as a wrong password. */
  username: string | undefined;
  flow: SignInFlow;
  expiresAt: number;
  /** Seconds; set when the first factor passes. */
  authTime: number | undefined;
  /** A confirmed device of this user the client named with DEVICE_KEY. */
  deviceKey: string | undefined;
  firstFactorDone: boolean;
  /** The first factor was an OTP or a passkey: no MFA follows. */
  passwordless: boolean;
  customDone: boolean;
  mfaDone: boolean;
  deviceDone: boolean;
  wrongAnswers: number;
  pending: Pending;
}

export type SessionState = Omit<AuthSession, 'id' | 'expiresAt' | 'pending'>;

export class Sessions {
  readonly #sessions = new Map<string, AuthSession>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Stores the state under a fresh id with `pending` as the challenge it waits for. */
  open(state: SessionState, pending: Pending, validityMinutes: number): AuthSession {
    const session: AuthSession = {
      ...state,
      id: newSessionId(),
      expiresAt: this.#now() + validityMinutes * 60_000,
      pending,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /**
   * The live session for an answer to `challenge`, or NotAuthorizedException. `clientId` is checked when the
   * operation names one (AssociateSoftwareToken and VerifySoftwareToken carry only the session).
   */
  take(id: string | undefined, clientId: string | undefined, challenge: string): AuthSession {
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (!session || (clientId !== undefined && session.clientId !== clientId)) {
      throw notAuthorized(INVALID_SESSION);
    }
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(session.id);
      throw notAuthorized(EXPIRED_SESSION);
    }
    if (session.pending.challenge !== challenge) {
      throw fail(
        'InvalidParameterException',
        `ChallengeName ${challenge} does not answer this session's ${session.pending.challenge} challenge`,
      );
    }
    return session;
  }

  end(session: AuthSession): void {
    this.#sessions.delete(session.id);
  }

  /** Ends every open session (tests of session expiry). */
  expireAll(): void {
    for (const session of this.#sessions.values()) session.expiresAt = 0;
  }

  /** Lets every code sent so far expire while its session stays open (ExpiredCodeException tests). */
  expireCodes(): void {
    for (const session of this.#sessions.values()) {
      if ('code' in session.pending) session.pending.code.expiresAt = 0;
    }
  }
}

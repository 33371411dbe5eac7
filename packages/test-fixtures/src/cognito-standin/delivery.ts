import { newCode } from './ids.js';
import type { SentCode } from './sessions.js';
import type { Store } from './store.js';

// Codes Cognito would send by SMS or email, kept in memory for tests to read (never logged). The challenge
// that follows carries CODE_DELIVERY_DELIVERY_MEDIUM (`SMS` / `EMAIL`) and CODE_DELIVERY_DESTINATION,
// masked as Cognito masks it (`+*******1234`, `a***@e***`), per the SMS_MFA / EMAIL_OTP entries of
// ChallengeParameters in https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
// MFA codes have 6 digits. Sign-in codes (USER_AUTH EMAIL_OTP / SMS_OTP) have 8 here: the API reference
// gives no length, this is an assumption, and a client must not depend on either length.

export type Medium = 'SMS' | 'EMAIL';
export type Purpose = 'MFA' | 'SIGN_IN';

export interface SentMessage {
  poolId: string;
  username: string;
  medium: Medium;
  /** The unmasked phone number or email address. */
  destination: string;
  purpose: Purpose;
  code: string;
  sentAt: number;
}

export function maskDestination(medium: Medium, destination: string): string {
  if (medium === 'SMS') return `+*******${destination.slice(-4)}`;
  const at = destination.indexOf('@');
  const local = at > 0 ? destination.slice(0, at) : destination;
  const domain = at > 0 ? destination.slice(at + 1) : '';
  return `${local.charAt(0)}***@${domain.charAt(0)}***`;
}

export class Outbox {
  readonly messages: SentMessage[] = [];
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Sends a fresh code and returns it with the challenge parameters that announce it. */
  send(
    message: Omit<SentMessage, 'code' | 'sentAt'>,
    lifetimeMs: number,
  ): { code: SentCode; parameters: Record<string, string> } {
    const sentAt = this.#store.now();
    const code = newCode(message.purpose === 'MFA' ? 6 : 8);
    this.messages.push({ ...message, code, sentAt });
    return {
      code: { code, expiresAt: sentAt + lifetimeMs },
      parameters: {
        CODE_DELIVERY_DELIVERY_MEDIUM: message.medium,
        CODE_DELIVERY_DESTINATION: maskDestination(message.medium, message.destination),
      },
    };
  }
}

import { type Authenticator, type AuthenticatorOptions, createAuthenticator } from './authenticator.js';

/** An adapter takes an authenticator, or the options to create one. */
export type AdapterOptions = AuthenticatorOptions | Authenticator;

export function authenticatorOf(options: AdapterOptions): Authenticator {
  return typeof options === 'function' ? options : createAuthenticator(options);
}

import type { CogauthOptions } from '../pipeline/options.js';
import { type Authenticator, createAuthenticator } from './authenticator.js';

/** An adapter takes an authenticator, or the options to create one. */
export type AdapterOptions = CogauthOptions | Authenticator;

export function authenticatorOf(options: AdapterOptions): Authenticator {
  return typeof options === 'function' ? options : createAuthenticator(options);
}

import { type Authenticator, type AuthenticatorOptions, createAuthenticator } from './authenticate.js';

/** An adapter takes an authenticator, or the options to create one. */
export type AdapterOptions = AuthenticatorOptions | Authenticator;

export function authenticatorOf(options: AdapterOptions): Authenticator {
  return typeof options === 'function' ? options : createAuthenticator(options);
}

/** The path part of a request target (`/a?b` → `/a`). */
export function pathOf(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

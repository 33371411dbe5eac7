/** Which issuer and JWKS URLs the verifier trusts: https, or plain http to a loopback host. */
import { isLoopbackHost } from '../cognito/loopback.js';
import { ConfigError, type ConfigPath } from '../errors.js';

function parsedHttpUrl(value: unknown, field: ConfigPath): URL {
  if (typeof value !== 'string' || value.length === 0)
    throw new ConfigError(field, 'must be a non-empty URL string');
  if (/\s/.test(value)) throw new ConfigError(field, 'must not contain whitespace');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(field, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(field, 'must be an https:// or http:// URL');
  if (url.username !== '' || url.password !== '')
    throw new ConfigError(field, 'must not contain credentials');
  return url;
}

/**
 * An issuer or JWKS URL: https, or plain http to a loopback host (an emulator on this machine). Any other
 * http:// needs `allowInsecureHttp`, because anyone on the network path could swap in their own keys. The
 * issuer counts too: the default JWKS URL derives from it, and Cognito's issuers are https.
 */
export function trustedUrl(value: unknown, field: ConfigPath, allowInsecureHttp: boolean): string {
  const url = parsedHttpUrl(value, field);
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigError(
      field,
      `is plain http:// to ${url.hostname}, which is not loopback (127.0.0.0/8, ::1, localhost): anyone on ` +
        'the network path could swap in their own keys. Use https://, or accept that risk with ' +
        'allowInsecureHttp: true (COGAUTH_ALLOW_INSECURE_HTTP=true)',
    );
  }
  return value as string;
}

/** The allowInsecureHttp option or setting: true, false or absent (false). */
export function insecureHttpOptIn(value: unknown, field: ConfigPath): boolean {
  if (value !== undefined && typeof value !== 'boolean')
    throw new ConfigError(field, 'must be true or false');
  return value === true;
}

import { dnsSuffixOf, isLoopbackHost, PARTITIONS } from '@cogauth/core/cognito';
import { UsageError } from './errors.js';

/**
 * Parses a URL that credentials or trust flow through (Cognito endpoint, pool domain, issuer, JWKS).
 * https anywhere; plain http only to a loopback host (core's rule: 127.0.0.0/8, ::1, localhost), so a
 * password, refresh token or client secret never crosses a network in clear text and a JWKS is never read
 * from one an attacker can rewrite. The CLI has no opt-in: it talks to real networks only over https.
 */
export function checkedUrl(setting: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${setting} "${value}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return url;
    throw new UsageError(
      `${setting} ${url.origin} is plain http:// to a host that is not loopback: use https:// ` +
        '(plain http is allowed only for 127.0.0.1, ::1 and localhost, e.g. cognito-local)',
    );
  }
  throw new UsageError(`${setting} "${value}" must be an https:// URL`);
}

const AWS_SUFFIXES = [...new Set(PARTITIONS.map((p) => `.${dnsSuffixOf(p)}`))];
/** Cognito's own domain prefixes live under amazoncognito.com (`<prefix>.auth.<region>.amazoncognito.com`). */
const COGNITO_DOMAIN_SUFFIXES = ['.amazoncognito.com', '.amazoncognito.com.cn', '.amazoncognito.eu'];

/** Whether an https URL points at AWS itself (Cognito API, issuer, JWKS, or a Cognito prefix domain). */
export function isAwsUrl(url: URL): boolean {
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return [...AWS_SUFFIXES, ...COGNITO_DOMAIN_SUFFIXES].some((suffix) => host.endsWith(suffix));
}

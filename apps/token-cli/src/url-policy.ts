import { dnsSuffixOf, PARTITIONS } from '@cogauth/core';
import { UsageError } from './errors.js';

/** 127.0.0.0/8, ::1 and `localhost`: the only hosts plain http:// may reach (local emulators). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  // WHATWG URL parsing has already normalised IPv4 hosts to dotted-decimal (127.1 -> 127.0.0.1).
  const parts = host.split('.');
  return (
    parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)
  );
}

/**
 * Parses a URL that credentials or trust flow through (Cognito endpoint, pool domain, issuer, JWKS).
 * https anywhere; plain http only to a loopback host, so a password, refresh token or client secret never
 * crosses a network in clear text and a JWKS is never read from one an attacker can rewrite.
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

/** A pool domain given as a bare host means https. */
export function domainUrl(domain: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(domain) ? domain : `https://${domain}`;
}

// A host as WHATWG parsing leaves a DNS name (lower case, IDNs in punycode) or an IPv4 address; or an
// IPv6 literal. Both character classes are single and anchored: linear on any input.
const DNS_HOST = /^[a-z0-9.-]+$/;
const IPV6_HOST = /^\[[0-9a-f:.]+\]$/;

/**
 * A pool domain (`--domain`, COGAUTH_DOMAIN, `domain`): a bare host or `https://<host>[:port]` (http to
 * loopback only), nothing more. Whatever else it held would ride along in every URL built from it:
 * `<domain>/oauth2/authorize` is opened in a browser, `/oauth2/token` gets the client secret. The message
 * names what is extra but never echoes the value (a user name part may hold a password).
 */
export function checkedDomain(setting: string, domain: string): URL {
  const url = checkedUrl(setting, domainUrl(domain));
  const beforeHash = url.href.split('#')[0] as string;
  const extra = [
    url.username !== '' || url.password !== '' ? 'a user name' : undefined,
    url.pathname !== '/' ? 'a path' : undefined,
    url.search !== '' || beforeHash.endsWith('?') ? 'a query' : undefined,
    url.href.includes('#') ? 'a fragment' : undefined,
  ].filter((part) => part !== undefined);
  if (extra.length > 0 || url.href !== `${url.origin}/`) {
    throw new UsageError(
      `${setting} must be the pool domain alone, e.g. my-app.auth.eu-west-1.amazoncognito.com or ` +
        `https://auth.example.com, but it has ${extra.join(', ') || 'more than a host'}`,
    );
  }
  if (!DNS_HOST.test(url.hostname) && !IPV6_HOST.test(url.hostname)) {
    throw new UsageError(`${setting} must be a host name of letters, digits, "-" and "."`);
  }
  return url;
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

import { decodeJwt } from '@cogauth/core';
import { printable } from './cognito-api.js';
import { describeExpiry, type Style } from './output.js';

export interface IdentityTokens {
  accessToken: string;
  idToken?: string | undefined;
}

/**
 * Claims of tokens Cognito just handed to this CLI (over TLS, or from its own 0600 session), read without
 * verification: for display and to know when to refresh, never to decide anything else.
 */
export function claimsOf(jwt: string | undefined): Record<string, unknown> {
  if (jwt === undefined) return {};
  try {
    return decodeJwt(jwt).payload;
  } catch {
    return {};
  }
}

/** `user`, `groups`, `scopes`, `expires` lines for login on a terminal and for whoami. */
export function describeIdentity(tokens: IdentityTokens, s: Style, nowMs = Date.now()): string[] {
  const access = claimsOf(tokens.accessToken);
  const id = claimsOf(tokens.idToken);
  const user = String(access.username ?? id['cognito:username'] ?? id.sub ?? access.sub ?? 'unknown');
  const groups = Array.isArray(access['cognito:groups'] ?? id['cognito:groups'])
    ? ((access['cognito:groups'] ?? id['cognito:groups']) as unknown[]).map(String)
    : [];
  const scopes = typeof access.scope === 'string' ? access.scope.split(' ').filter(Boolean) : [];
  const exp = typeof access.exp === 'number' ? access.exp : typeof id.exp === 'number' ? id.exp : undefined;
  const expired = exp !== undefined && exp * 1000 <= nowMs;
  return [
    `user:     ${s.bold(user)}`,
    ...emailLine(id, s),
    `groups:   ${groups.length ? groups.join(', ') : s.dim('none')}`,
    `scopes:   ${scopes.length ? scopes.join(' ') : s.dim('none')}`,
    `expires:  ${exp === undefined ? 'unknown' : (expired ? s.bad : s.good)(describeExpiry(exp, nowMs))}`,
  ];
}

/** The ID token's `email_verified`: a boolean, or the string Cognito used in older pools; null when absent. */
export function emailVerified(id: Record<string, unknown>): boolean | null {
  const claim = id.email_verified;
  if (claim === true || claim === 'true') return true;
  if (claim === false || claim === 'false') return false;
  return null;
}

/** `email:    alice@example.com (verified)`, or nothing when the ID token has no email. */
function emailLine(id: Record<string, unknown>, s: Style): string[] {
  if (typeof id.email !== 'string') return [];
  const verified = emailVerified(id);
  const state =
    verified === true ? s.good('verified') : verified === false ? s.bad('not verified') : s.dim('not stated');
  return [`email:    ${printable(id.email.slice(0, 320))} (${state})`];
}

/** JSON form of the same facts for `whoami --json`. */
export function identityJson(tokens: IdentityTokens): Record<string, unknown> {
  const access = claimsOf(tokens.accessToken);
  const id = claimsOf(tokens.idToken);
  const groups = access['cognito:groups'] ?? id['cognito:groups'] ?? [];
  return {
    username: access.username ?? id['cognito:username'] ?? null,
    sub: access.sub ?? id.sub ?? null,
    email: id.email ?? null,
    emailVerified: emailVerified(id),
    groups,
    scopes: typeof access.scope === 'string' ? access.scope.split(' ').filter(Boolean) : [],
    expiresAt: typeof access.exp === 'number' ? new Date(access.exp * 1000).toISOString() : null,
  };
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { fail, notAuthorized } from './errors.js';
import type { PasswordPolicy, Pool, User } from './model.js';
import { bigFrom, javaBytes, privateKey, verifierOf } from './srp-math.js';

// Passwords are kept only as SRP verifiers (v = g^x), the way Cognito's SRP needs them; USER_PASSWORD_AUTH
// recomputes v from the password it is given. Lockout follows the developer guide's "User pool sign-in
// lockout": after five failed attempts, a lockout that starts at one second and doubles with each further
// failure, capped at 15 minutes; while locked, Cognito answers NotAuthorizedException "Password attempts
// exceeded".

const LOCKOUT_AFTER = 5;
const MAX_LOCKOUT_MS = 15 * 60_000;
const SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- ');

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  MinimumLength: 8,
  RequireUppercase: true,
  RequireLowercase: true,
  RequireNumbers: true,
  RequireSymbols: true,
};

/** The first rule a password breaks, in Cognito's wording, or undefined. */
export function policyViolation(policy: PasswordPolicy, password: string): string | undefined {
  const chars = [...password];
  if (chars.length < policy.MinimumLength) return 'Password not long enough';
  if (policy.RequireUppercase && !chars.some((c) => c >= 'A' && c <= 'Z')) {
    return 'Password must have uppercase characters';
  }
  if (policy.RequireLowercase && !chars.some((c) => c >= 'a' && c <= 'z')) {
    return 'Password must have lowercase characters';
  }
  if (policy.RequireNumbers && !chars.some((c) => c >= '0' && c <= '9')) {
    return 'Password must have numeric characters';
  }
  if (policy.RequireSymbols && !chars.some((c) => SYMBOLS.has(c)))
    return 'Password must have symbol characters';
  return undefined;
}

export function checkPolicy(pool: Pool, password: string): void {
  const violation = policyViolation(pool.passwordPolicy, password);
  if (violation) throw fail('InvalidPasswordException', `Password does not conform to policy: ${violation}`);
}

export function passwordSecret(pool: Pool, username: string, password: string) {
  const salt = bigFrom(randomBytes(16));
  return { salt, verifier: verifierOf(privateKey(pool.srpName, username, password, salt)) };
}

/** Throws NotAuthorizedException while the user is locked out. */
export function checkLockout(user: User, nowMs: number): void {
  if (user.lockedUntil > nowMs) throw notAuthorized('Password attempts exceeded');
}

/** Counts a failed sign-in; the fifth and later ones lock the user out for 1 s, 2 s, 4 s, ... */
export function recordFailure(user: User, nowMs: number): void {
  user.failedSignIns += 1;
  const over = user.failedSignIns - LOCKOUT_AFTER;
  if (over >= 0) user.lockedUntil = nowMs + Math.min(1000 * 2 ** over, MAX_LOCKOUT_MS);
}

export function recordSuccess(user: User): void {
  user.failedSignIns = 0;
  user.lockedUntil = 0;
}

/** USER_PASSWORD_AUTH / PASSWORD: the password is right when it yields the stored verifier. */
export function passwordMatches(pool: Pool, user: User, password: string): boolean {
  if (!user.password) return false;
  const { salt, verifier } = user.password;
  const given = javaBytes(verifierOf(privateKey(pool.srpName, user.username, password, salt)));
  const stored = javaBytes(verifier);
  return given.length === stored.length && timingSafeEqual(given, stored);
}

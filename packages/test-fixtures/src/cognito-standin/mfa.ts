import type { MfaFactor, Pool, User } from './model.js';

// Which MFA challenge follows a password, from the pool's MfaConfiguration and the user's settings
// (SetUserMFAPreference in the API reference: "If multiple options are activated and no preference is set,
// a challenge to choose an MFA option will be returned during sign-in"; MfaConfiguration ON: "all users
// must set up MFA before they can sign in", which InitiateAuth answers with MFA_SETUP and MFAS_CAN_SETUP).
// A user's SMS / email MFA counts only with a phone_number / email to send to; TOTP only with a verified
// authenticator. Cognito may also use a phone number with no SetUserMFAPreference for SMS MFA in a pool
// with MFA ON (legacy behaviour, not in the reference): the stand-in does not, and asks for MFA_SETUP.

export type MfaDecision =
  | { kind: 'none' }
  | { kind: 'factor'; factor: MfaFactor }
  | { kind: 'select'; choices: MfaFactor[] }
  | { kind: 'setup'; choices: MfaFactor[] };

const ORDER: MfaFactor[] = ['SMS_MFA', 'SOFTWARE_TOKEN_MFA', 'EMAIL_OTP'];

export function activeFactors(pool: Pool, user: User): MfaFactor[] {
  return ORDER.filter((factor) => {
    if (!pool.mfaFactors.has(factor) || !user.mfa[factor].enabled) return false;
    if (factor === 'SMS_MFA') return user.attributes.phone_number !== undefined;
    if (factor === 'EMAIL_OTP') return user.attributes.email !== undefined;
    return user.totp !== undefined;
  });
}

export function decideMfa(pool: Pool, user: User): MfaDecision {
  if (pool.mfa === 'OFF') return { kind: 'none' };
  const active = activeFactors(pool, user);
  if (active.length === 0) {
    return pool.mfa === 'ON'
      ? { kind: 'setup', choices: ORDER.filter((f) => pool.mfaFactors.has(f)) }
      : { kind: 'none' };
  }
  const preferred = active.find((factor) => user.mfa[factor].preferred);
  if (preferred) return { kind: 'factor', factor: preferred };
  if (active.length === 1) return { kind: 'factor', factor: active[0] as MfaFactor };
  return { kind: 'select', choices: active };
}

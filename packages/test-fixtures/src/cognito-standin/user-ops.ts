import type { Ctx } from './context.js';
import { fail } from './errors.js';
import { type Body, optionalBoolean, optionalStructure, requiredString } from './input.js';
import type { MfaFactor, User } from './model.js';

// Operations a signed-in user makes with the access token: GetUser (API_GetUser: Username, UserAttributes,
// PreferredMfaSetting, UserMFASettingList) and SetUserMFAPreference (API_SetUserMFAPreference:
// SMSMfaSettings, SoftwareTokenMfaSettings, EmailMfaSettings, each {Enabled, PreferredMfa}; one preferred
// factor at most; TOTP only once an authenticator is verified).

const SETTINGS: Array<[string, MfaFactor]> = [
  ['SMSMfaSettings', 'SMS_MFA'],
  ['SoftwareTokenMfaSettings', 'SOFTWARE_TOKEN_MFA'],
  ['EmailMfaSettings', 'EMAIL_OTP'],
];

export function getUser(ctx: Ctx, body: Body) {
  const { user } = ctx.tokens.userOf(requiredString(body, 'AccessToken'));
  const { sub: _sub, ...rest } = user.attributes;
  const enabled = SETTINGS.map(([, factor]) => factor).filter((factor) => user.mfa[factor].enabled);
  const preferred = enabled.find((factor) => user.mfa[factor].preferred);
  return {
    Username: user.username,
    UserAttributes: [
      { Name: 'sub', Value: user.sub },
      ...Object.entries(rest).map(([Name, Value]) => ({ Name, Value })),
    ],
    ...(preferred ? { PreferredMfaSetting: preferred } : {}),
    ...(enabled.length > 0 ? { UserMFASettingList: enabled } : {}),
  };
}

function apply(user: User, factor: MfaFactor, setting: Body): void {
  const enabled = optionalBoolean(setting, 'Enabled');
  const preferred = optionalBoolean(setting, 'PreferredMfa');
  if (enabled === true && factor === 'SOFTWARE_TOKEN_MFA' && !user.totp) {
    throw fail('InvalidParameterException', 'User has not verified software token mfa');
  }
  if (enabled !== undefined) user.mfa[factor].enabled = enabled;
  if (!user.mfa[factor].enabled) user.mfa[factor].preferred = false;
  if (preferred === true) {
    if (!user.mfa[factor].enabled)
      throw fail('InvalidParameterException', `${factor} must be enabled to be preferred`);
    for (const other of Object.values(user.mfa)) other.preferred = false;
    user.mfa[factor].preferred = true;
  } else if (preferred === false) {
    user.mfa[factor].preferred = false;
  }
}

export function setUserMfaPreference(ctx: Ctx, body: Body) {
  const { user } = ctx.tokens.userOf(requiredString(body, 'AccessToken'));
  for (const [member, factor] of SETTINGS) {
    const setting = optionalStructure(body, member);
    if (setting) apply(user, factor, setting);
  }
  return {};
}

import type { Ctx } from './context.js';
import { confirmDevice, forgetDevice, updateDeviceStatus } from './devices.js';
import type { Operation } from './http-front.js';
import { initiateAuth } from './initiate-auth.js';
import { getTokensFromRefreshToken, revokeToken } from './refresh.js';
import { respondToAuthChallenge } from './respond.js';
import { associateSoftwareToken, verifySoftwareToken } from './software-token.js';
import { getUser, setUserMfaPreference } from './user-ops.js';

/** The operations the stand-in answers, by X-Amz-Target name; any other is UnknownOperationException. */
export function operations(ctx: Ctx): Record<string, Operation> {
  return {
    InitiateAuth: (body) => initiateAuth(ctx, body),
    RespondToAuthChallenge: (body) => respondToAuthChallenge(ctx, body),
    AssociateSoftwareToken: (body) => associateSoftwareToken(ctx, body),
    VerifySoftwareToken: (body) => verifySoftwareToken(ctx, body),
    GetTokensFromRefreshToken: (body) => getTokensFromRefreshToken(ctx, body),
    RevokeToken: (body) => revokeToken(ctx, body),
    ConfirmDevice: (body) => confirmDevice(ctx, body),
    UpdateDeviceStatus: (body) => updateDeviceStatus(ctx, body),
    ForgetDevice: (body) => forgetDevice(ctx, body),
    GetUser: (body) => getUser(ctx, body),
    SetUserMFAPreference: (body) => setUserMfaPreference(ctx, body),
  };
}

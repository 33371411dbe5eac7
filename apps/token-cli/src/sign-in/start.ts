import { cognitoFailure } from '../cognito.js';
import { type AuthResponse, CognitoError } from '../cognito-api.js';
import { secretHash } from '../secret-hash.js';
import { newPasswordSrp } from './password.js';
import type { SignInState } from './types.js';
import { webAuthnRefusal } from './user-auth.js';

// InitiateAuth for each flow (its AuthParameters in the API reference): USER_SRP_AUTH sends SRP_A;
// USER_PASSWORD_AUTH the password; USER_AUTH PREFERRED_CHALLENGE (--challenge) with PASSWORD or SRP_A
// for the password factors; CUSTOM_AUTH starts with SRP (CHALLENGE_NAME SRP_A) when a password was
// given. Every flow sends DEVICE_KEY for a remembered device; one Cognito no longer knows
// (ResourceNotFoundException "Device does not exist.") is forgotten here and the sign-in starts again.

export function secretHashFor(state: SignInState, username: string): Record<string, string> {
  const secret = state.settings.clientSecret;
  return secret ? { SECRET_HASH: secretHash(username, state.clientId, secret) } : {};
}

async function parametersOf(state: SignInState): Promise<Record<string, string>> {
  const params: Record<string, string> = {
    USERNAME: state.loginName,
    ...secretHashFor(state, state.loginName),
    ...(state.device ? { DEVICE_KEY: state.device.deviceKey } : {}),
  };
  switch (state.flow) {
    case 'USER_SRP_AUTH':
      params.SRP_A = newPasswordSrp(state).srpA;
      break;
    case 'USER_PASSWORD_AUTH':
      params.PASSWORD = await state.answers.password(state.loginName);
      state.passwordDone = true;
      break;
    case 'USER_AUTH': {
      const preferred = state.choices.challenge;
      if (preferred === 'WEB_AUTHN') throw webAuthnRefusal(state);
      if (preferred !== undefined) params.PREFERRED_CHALLENGE = preferred;
      if (preferred === 'PASSWORD') {
        params.PASSWORD = await state.answers.password(state.loginName);
        state.passwordDone = true;
      }
      if (preferred === 'PASSWORD_SRP') params.SRP_A = newPasswordSrp(state).srpA;
      break;
    }
    case 'CUSTOM_AUTH':
      if (state.answers.passwordGiven) {
        params.CHALLENGE_NAME = 'SRP_A';
        params.SRP_A = newPasswordSrp(state).srpA;
      }
      break;
  }
  return params;
}

function staleDevice(error: unknown, state: SignInState): boolean {
  return (
    state.device !== undefined &&
    error instanceof CognitoError &&
    error.code === 'ResourceNotFoundException' &&
    /device/i.test(error.message)
  );
}

export async function initiate(state: SignInState): Promise<AuthResponse> {
  for (;;) {
    const AuthParameters = await parametersOf(state);
    try {
      return await state.api.call('InitiateAuth', {
        AuthFlow: state.flow,
        ClientId: state.clientId,
        AuthParameters,
      });
    } catch (error) {
      if (!staleDevice(error, state)) throw cognitoFailure('login failed', error, state.settings);
      state.answers.note('cogauth: Cognito no longer knows the remembered device; it was forgotten here too');
      state.device = undefined;
      state.forgetLocalDevice();
    }
  }
}

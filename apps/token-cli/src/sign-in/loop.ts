import { cognitoFailure } from '../cognito.js';
import { type AuthenticationResult, type AuthResponse, CognitoError } from '../cognito-api.js';
import { CliError } from '../errors.js';
import { initiate, secretHashFor } from './start.js';
import { handlerFor } from './table.js';
import type { Challenge, SignInState } from './types.js';

// The sign-in as a loop: InitiateAuth, then each challenge Cognito names is answered by its handler
// (table.ts) until Cognito hands out tokens. A password, a temporary-password change, a device proof, an
// MFA choice, a set-up and a code can all come in one sign-in, so the loop allows ten rounds.

const MAX_ROUNDS = 10;
const MAX_CODE_ATTEMPTS = 3;
/** A wrong code leaves the session open (Cognito ends it after a few): a code typed at a prompt may be retyped. */
const WRONG_CODE = new Set(['CodeMismatchException']);

function challengeOf(response: AuthResponse): Challenge {
  return {
    name: response.ChallengeName ?? '',
    parameters: response.ChallengeParameters ?? {},
    session: response.Session,
    available: response.AvailableChallenges ?? [],
  };
}

/** Signs in; the tokens (with NewDeviceMetadata when Cognito started tracking this device). */
export async function signIn(state: SignInState): Promise<AuthenticationResult> {
  let response = await initiate(state);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    if (response.AuthenticationResult) return response.AuthenticationResult;
    const challenge = challengeOf(response);
    state.userId = challenge.parameters.USER_ID_FOR_SRP ?? challenge.parameters.USERNAME ?? state.userId;
    response = await answer(state, challenge);
  }
  throw new CliError(`login did not finish after ${MAX_ROUNDS} challenges`);
}

async function answer(state: SignInState, challenge: Challenge): Promise<AuthResponse> {
  const handler = handlerFor(challenge.name || undefined);
  for (let attempt = 1; ; attempt += 1) {
    state.answers.lastSource = undefined;
    const reply = await handler(challenge, state);
    try {
      return await state.api.call('RespondToAuthChallenge', {
        ClientId: state.clientId,
        ChallengeName: reply.name ?? challenge.name,
        ChallengeResponses: {
          ...reply.responses,
          USERNAME: state.userId,
          ...secretHashFor(state, state.userId),
          ...(state.device ? { DEVICE_KEY: state.device.deviceKey } : {}),
        },
        Session: reply.session ?? challenge.session,
      });
    } catch (error) {
      const wrongCode = error instanceof CognitoError && WRONG_CODE.has(error.code);
      if (wrongCode && state.answers.lastSource === 'prompt' && attempt < MAX_CODE_ATTEMPTS) {
        state.answers.note('cogauth: that code was not accepted; try again');
        continue;
      }
      throw cognitoFailure(`${challenge.name} challenge failed`, error, state.settings);
    }
  }
}

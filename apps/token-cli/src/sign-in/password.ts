import { CliError, UsageError } from '../errors.js';
import { SrpSession } from '../srp.js';
import { srpProof } from './srp-proof.js';
import type { ChallengeHandler, SignInState } from './types.js';

// The password as a factor: PASSWORD_VERIFIER (the SRP proof after SRP_A), and USER_AUTH's PASSWORD (the
// password itself, over TLS) and PASSWORD_SRP (SRP_A, then PASSWORD_VERIFIER).

/** A new SRP exchange for the pool; its name is part of the proof, so the pool id is required. */
export function newPasswordSrp(state: SignInState): SrpSession {
  const poolId = state.settings.userPoolId;
  if (!poolId) {
    const what = state.flow === 'USER_AUTH' ? 'PASSWORD_SRP' : state.flow;
    throw new UsageError(
      `${what} needs --user-pool-id (its name is part of the SRP proof); or use --auth-flow USER_PASSWORD_AUTH`,
    );
  }
  state.srp = new SrpSession(poolId);
  return state.srp;
}

export const answerPasswordVerifier: ChallengeHandler = async (challenge, state) => {
  if (!state.srp) throw new CliError('Cognito sent PASSWORD_VERIFIER, but cogauth sent it no SRP_A');
  const password = await state.answers.password(state.loginName);
  const responses = srpProof('PASSWORD_VERIFIER', state.srp, challenge.parameters, state.userId, password);
  state.passwordDone = true;
  return { responses };
};

export const answerPassword: ChallengeHandler = async (_challenge, state) => {
  const password = await state.answers.password(state.loginName);
  state.passwordDone = true;
  return { responses: { PASSWORD: password } };
};

export const answerPasswordSrp: ChallengeHandler = async (_challenge, state) => ({
  responses: { SRP_A: newPasswordSrp(state).srpA },
});

import { printable } from '../cognito-api.js';
import { UsageError } from '../errors.js';
import type { ChallengeHandler } from './types.js';

// SELECT_MFA_TYPE: the user has several MFA factors and none is preferred; MFAS_CAN_CHOOSE lists them (a
// JSON list). Answered with ANSWER = the factor: --mfa, else a menu on a terminal, else the only one.

const LABELS: Readonly<Record<string, string>> = {
  SMS_MFA: 'a code by SMS',
  EMAIL_OTP: 'a code by email',
  SOFTWARE_TOKEN_MFA: 'a code from your authenticator app',
};

/** A JSON list of challenge names from Cognito; anything else in it is dropped. */
export function challengeList(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list)
      ? list.filter((x): x is string => typeof x === 'string' && /^[A-Z][A-Z0-9_]{0,63}$/.test(x))
      : [];
  } catch {
    return [];
  }
}

export const answerSelectMfaType: ChallengeHandler = async (challenge, state) => {
  const choices = challengeList(challenge.parameters.MFAS_CAN_CHOOSE);
  const offered = choices.length > 0 ? choices.join(', ') : 'nothing';
  const wanted = state.choices.mfa;
  if (wanted !== undefined) {
    if (!choices.includes(wanted)) {
      throw new UsageError(`--mfa ${wanted}: Cognito offers ${offered} for SELECT_MFA_TYPE`);
    }
    return { responses: { ANSWER: wanted } };
  }
  const menu = choices.map((value) => ({ value, label: `${value}: ${LABELS[value] ?? printable(value)}` }));
  const chosen =
    (await state.answers.choose('Cognito asks which MFA to use (SELECT_MFA_TYPE):', menu)) ??
    (choices.length === 1 ? choices[0] : undefined);
  if (chosen === undefined) {
    throw new UsageError(`Cognito asks which MFA to use (SELECT_MFA_TYPE: ${offered}): pass --mfa <name>`);
  }
  return { responses: { ANSWER: chosen } };
};

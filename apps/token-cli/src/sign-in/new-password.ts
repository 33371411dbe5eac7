import { UsageError } from '../errors.js';
import type { ChallengeHandler } from './types.js';

// NEW_PASSWORD_REQUIRED (a temporary password): NEW_PASSWORD, plus userAttributes.<name> for each
// attribute the pool requires and the user lacks (the challenge's requiredAttributes, a JSON list).

export const answerNewPassword: ChallengeHandler = async (challenge, state) => {
  const { attributes } = state.choices;
  const missing = requiredAttributes(challenge.parameters.requiredAttributes).filter(
    (name) => attributes[name] === undefined,
  );
  if (missing.length > 0) {
    throw new UsageError(
      `NEW_PASSWORD_REQUIRED also needs the attributes ${missing.join(', ')}: pass --attribute name=value`,
    );
  }
  const { value } = await state.answers.answer({
    kind: 'newPassword',
    challenge: 'NEW_PASSWORD_REQUIRED',
    what: 'a new password (the current one is temporary)',
    prompt: 'New password: ',
    confirm: true,
    flag: { name: '--new-password', value: state.choices.newPasswordFlag },
  });
  const responses: Record<string, string> = { NEW_PASSWORD: value };
  for (const [name, attribute] of Object.entries(attributes)) responses[`userAttributes.${name}`] = attribute;
  return { responses };
};

function requiredAttributes(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    if (!Array.isArray(list)) return [];
    return list
      .filter((x): x is string => typeof x === 'string')
      .map((x) => (x.startsWith('userAttributes.') ? x.slice('userAttributes.'.length) : x));
  } catch {
    return [];
  }
}

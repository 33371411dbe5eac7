import { printable } from '../cognito-api.js';
import type { ChallengeHandler } from './types.js';

// CUSTOM_CHALLENGE (CUSTOM_AUTH and the pool's Lambda triggers): the public challenge parameters the
// CreateAuthChallenge trigger chose are shown (printable, bounded), then ANSWER. A wrong answer may bring
// another CUSTOM_CHALLENGE, answered the same way (a variable answers one of them at most).

const MAX_SHOWN = 10;

export const answerCustomChallenge: ChallengeHandler = async (challenge, state) => {
  const shown = Object.entries(challenge.parameters)
    .filter(([name]) => name !== 'USERNAME')
    .slice(0, MAX_SHOWN);
  if (shown.length > 0 && (state.answers.interactive || state.answers.fromStdin)) {
    for (const [name, value] of shown) {
      state.answers.note(
        `cogauth: CUSTOM_CHALLENGE ${printable(name.slice(0, 64))}: ${printable(value.slice(0, 300))}`,
      );
    }
  }
  const { value } = await state.answers.answer({
    kind: 'customAnswer',
    challenge: 'CUSTOM_CHALLENGE',
    what: 'the answer to the custom challenge',
    prompt: 'Answer: ',
  });
  return { responses: { ANSWER: value } };
};

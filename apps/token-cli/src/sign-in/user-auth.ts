import { UsageError } from '../errors.js';
import { newPasswordSrp } from './password.js';
import { type ChallengeHandler, FIRST_FACTORS, type FirstFactor, type SignInState } from './types.js';

// Choice-based sign-in (AuthFlow USER_AUTH). SELECT_CHALLENGE lists the first factors this user may use
// (AvailableChallenges) and is answered with ANSWER, plus PASSWORD or SRP_A for the password factors.
// The choice: --challenge, else a menu on a terminal, else PASSWORD_SRP when a password was given, else
// the one factor on offer. The password is never sent in the clear unless PASSWORD was chosen.
// A passkey (WEB_AUTHN) needs a browser: the CLI says how to sign in there instead.

const LABELS: Readonly<Record<FirstFactor, string>> = {
  PASSWORD_SRP: 'password (SRP: the password itself never leaves this machine)',
  PASSWORD: 'password (sent to Cognito over TLS)',
  EMAIL_OTP: 'a one-time code by email',
  SMS_OTP: 'a one-time code by SMS',
  WEB_AUTHN: 'passkey (needs a browser: cogauth login --browser)',
};

/** The one-line refusal for a passkey, with the command that signs in with one. */
export function webAuthnRefusal(state: Pick<SignInState, 'settings'>): UsageError {
  const domain = state.settings.domain === undefined ? ' --domain <your pool domain>' : '';
  return new UsageError(
    `passkey sign-in (WEB_AUTHN) needs a browser: run "cogauth login --browser${domain}" (Cognito's managed ` +
      'login offers passkeys), or choose another first factor with --challenge PASSWORD_SRP, EMAIL_OTP or SMS_OTP',
  );
}

/** Without a terminal: PASSWORD_SRP when a password was given, else the one factor on offer (never PASSWORD). */
function automaticChoice(available: FirstFactor[], state: SignInState): FirstFactor | undefined {
  if (state.answers.passwordGiven && available.includes('PASSWORD_SRP')) return 'PASSWORD_SRP';
  const rest = available.filter((c) => c !== 'PASSWORD');
  return rest.length === 1 ? rest[0] : undefined;
}

async function choose(available: FirstFactor[], state: SignInState): Promise<FirstFactor> {
  const offered = available.join(', ') || 'nothing';
  const wanted = state.choices.challenge;
  if (wanted !== undefined) {
    if (!available.includes(wanted)) {
      throw new UsageError(
        `--challenge ${wanted}: Cognito offers this user ${offered} (SELECT_CHALLENGE); choose one of those`,
      );
    }
    return wanted;
  }
  const order = FIRST_FACTORS.filter((f) => available.includes(f));
  const sorted: FirstFactor[] = order.includes('PASSWORD_SRP')
    ? ['PASSWORD_SRP', ...order.filter((f) => f !== 'PASSWORD_SRP')]
    : order;
  const menu = sorted.map((value) => ({ value, label: `${value}: ${LABELS[value]}` }));
  const chosen =
    ((await state.answers.choose('How do you want to sign in (SELECT_CHALLENGE)?', menu)) as
      | FirstFactor
      | undefined) ?? automaticChoice(available, state);
  if (chosen === undefined) {
    throw new UsageError(
      `Cognito asks how to sign in (SELECT_CHALLENGE: ${offered}): pass --challenge <name>`,
    );
  }
  return chosen;
}

export const answerSelectChallenge: ChallengeHandler = async (challenge, state) => {
  const available = challenge.available.filter((c): c is FirstFactor =>
    (FIRST_FACTORS as readonly string[]).includes(c),
  );
  const chosen = await choose(available, state);
  if (chosen === 'WEB_AUTHN') throw webAuthnRefusal(state);
  const responses: Record<string, string> = { ANSWER: chosen };
  if (chosen === 'PASSWORD') {
    responses.PASSWORD = await state.answers.password(state.loginName);
    state.passwordDone = true;
  }
  if (chosen === 'PASSWORD_SRP') responses.SRP_A = newPasswordSrp(state).srpA;
  return { responses };
};

export const refuseWebAuthn: ChallengeHandler = async (_challenge, state) => {
  throw webAuthnRefusal(state);
};

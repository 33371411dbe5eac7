import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { cognitoFailure } from '../cognito.js';
import { CognitoError } from '../cognito-api.js';
import { CliError, UsageError } from '../errors.js';
import { isTty } from '../output.js';
import { groupedSecret, isBase32Secret, otpauthUri } from './otpauth.js';
import { challengeList } from './select-mfa.js';
import type { ChallengeHandler, SignInState } from './types.js';

// MFA_SETUP: the pool requires MFA and the user has none. cogauth enrols an authenticator app
// (SOFTWARE_TOKEN_MFA): AssociateSoftwareToken with the challenge's Session gives the secret, the user adds
// it to an app, VerifySoftwareToken checks the app's first code and gives the Session that answers
// MFA_SETUP. SMS or email MFA cannot be set up inside a sign-in (the account needs a phone number or
// email first), so a pool that offers only those is refused with what to do.
// The secret is a credential: it goes to the terminal (stderr, only when it is one) or to a new 0600 file
// the user names (--totp-secret-file), never to a log or a pipe.

const MAX_CODE_ATTEMPTS = 3;

export const answerMfaSetup: ChallengeHandler = async (challenge, state) => {
  const offered = challengeList(challenge.parameters.MFAS_CAN_SETUP);
  if (!offered.includes('SOFTWARE_TOKEN_MFA')) {
    throw new CliError(
      `Cognito requires MFA set-up first (MFA_SETUP, offering ${offered.join(', ') || 'nothing'}), and cogauth ` +
        'can only enrol an authenticator app: add a verified phone number or email to the account, then log in again',
    );
  }
  const toFile = state.choices.totpSecretFile;
  if (!isTty(state.io.stderr) && toFile === undefined) {
    throw new UsageError(
      'Cognito asks to set up an authenticator app (MFA_SETUP), whose secret is shown only on a terminal: ' +
        'run cogauth login on one, or pass --totp-secret-file <new file> and --codes-stdin',
    );
  }
  if (!state.answers.canAnswer('setupCode')) {
    throw new UsageError(
      'Cognito asks to set up an authenticator app (MFA_SETUP): its first code comes from a terminal or, with --codes-stdin, from stdin',
    );
  }
  if (challenge.session === undefined) throw new CliError('Cognito sent MFA_SETUP without a Session');
  const associated = await call(state, () =>
    state.api.call('AssociateSoftwareToken', { Session: challenge.session as string }),
  );
  const secret = associated.SecretCode;
  if (secret === undefined || !isBase32Secret(secret) || associated.Session === undefined) {
    throw new CliError('AssociateSoftwareToken answered without a base32 SecretCode and a Session');
  }
  const uri = otpauthUri(state.settings.userPoolId ?? 'AWSCognito', state.loginName, secret);
  if (toFile !== undefined) writeSecretFile(state, resolve(state.io.cwd, toFile), uri);
  else await showSecret(state, secret, uri);
  return { responses: {}, session: await verifyCode(state, associated.Session) };
};

async function call<T>(state: SignInState, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw cognitoFailure('MFA_SETUP failed', error, state.settings);
  }
}

/** VerifySoftwareToken with the app's code; a wrong code typed on a terminal may be typed again. */
async function verifyCode(state: SignInState, session: string): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const code = await state.answers.answer({
      kind: 'setupCode',
      challenge: 'MFA_SETUP',
      what: 'the code your authenticator app shows for the new account',
      prompt: 'Code from the app: ',
    });
    try {
      const verified = await state.api.call('VerifySoftwareToken', {
        Session: session,
        UserCode: code.value,
        FriendlyDeviceName: 'cogauth',
      });
      if (verified.Status !== 'SUCCESS' || verified.Session === undefined) {
        throw new CliError(
          `MFA_SETUP failed: VerifySoftwareToken answered ${verified.Status ?? 'no status'}`,
        );
      }
      return verified.Session;
    } catch (error) {
      const wrongCode = error instanceof CognitoError && error.code === 'EnableSoftwareTokenMFAException';
      if (wrongCode && code.source === 'prompt' && attempt < MAX_CODE_ATTEMPTS) {
        state.answers.note('cogauth: that code was not accepted; try the next one the app shows');
        continue;
      }
      if (error instanceof CliError) throw error;
      throw cognitoFailure('MFA_SETUP failed', error, state.settings);
    }
  }
}

async function showSecret(state: SignInState, secret: string, uri: string): Promise<void> {
  const lines = [
    'Cognito asks you to set up an authenticator app (MFA_SETUP). Add this account to your app:',
    `  secret: ${groupedSecret(secret)}`,
    `  or its URI: ${uri}`,
  ];
  // The QR code needs colour (black on white, whatever the terminal's own colours): not with NO_COLOR.
  const { io } = state;
  const colour = !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const columns = (io.stderr as { columns?: number }).columns || 80;
  const { qrLines } = await import('./qr-terminal.js');
  const qr = colour ? qrLines(uri, columns) : [];
  state.answers.note([...lines, ...(qr.length > 0 ? ['  or scan it:', ...qr] : [])].join('\n'));
}

/** A new file (never an existing one, never a link), 0600 from its creation. */
function writeSecretFile(state: SignInState, path: string, uri: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `--totp-secret-file ${path}: ${code === 'EEXIST' ? 'exists (it is never overwritten)' : code}`,
    );
  }
  try {
    writeSync(fd, `${uri}\n`);
  } finally {
    closeSync(fd);
  }
  state.answers.note(`cogauth: MFA_SETUP: the new authenticator's otpauth:// URI (its secret) is in ${path}`);
}

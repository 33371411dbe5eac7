import type { CognitoApi } from '../cognito.js';
import type { AuthenticationResult } from '../cognito-api.js';
import type { Settings } from '../config.js';
import { deleteDevice, deviceMatches, findDevice, type RememberedDevice } from '../device-store.js';
import { type Io, isTty, type Spinner, startSpinner } from '../output.js';
import { Answers, type AnswersOptions } from './answers.js';
import { signIn } from './loop.js';
import { rememberDevice } from './remember-device.js';
import type { AuthFlow, SignInChoices, SignInState } from './types.js';

// `cogauth login` without a browser: the profile's remembered device (when it belongs to this login), the
// password when the flow needs it first, the challenge loop, then the device to remember. Loaded only when
// login runs (a chunk of its own: scripts/bundle.mjs).

export interface SignInInput {
  io: Io;
  api: CognitoApi;
  settings: Settings;
  clientId: string;
  flow: AuthFlow;
  username: string;
  profile: string;
  answers: Omit<AnswersOptions, 'pause'>;
  choices: SignInChoices;
  rememberDevice: boolean;
}

export interface SignedIn {
  result: AuthenticationResult;
  /** The device key Cognito bound the tokens to (a refresh must send it), if any. */
  deviceKey: string | undefined;
}

/** The profile's remembered device when it is this user's at this client and endpoint, else undefined. */
function knownDevice(input: SignInInput, answers: Answers): RememberedDevice | undefined {
  const found = findDevice(input.io.env, input.profile);
  if (found.state === 'refused') {
    answers.note(
      `cogauth: not using the remembered device ${found.path}: ${found.why}; ` +
        '"cogauth logout --forget-device" deletes it',
    );
    return undefined;
  }
  if (found.state === 'none') return undefined;
  const login = { clientId: input.clientId, endpoint: input.settings.endpoint, username: input.username };
  return deviceMatches(found.device, login) ? found.device : undefined;
}

/** The flows that start with the password, and --password-stdin, whose line comes first on stdin. */
function passwordFirst(input: SignInInput, answers: Answers): boolean {
  const { flow, choices } = input;
  if (flow === 'USER_SRP_AUTH' || flow === 'USER_PASSWORD_AUTH' || input.answers.passwordStdin) return true;
  if (flow === 'USER_AUTH') return choices.challenge === 'PASSWORD' || choices.challenge === 'PASSWORD_SRP';
  return answers.passwordGiven;
}

export async function runSignIn(input: SignInInput): Promise<SignedIn> {
  let spinner: Spinner | undefined;
  const answers = new Answers(input.io, { ...input.answers, pause: () => spinner?.stop() });
  const state: SignInState = {
    io: input.io,
    api: input.api,
    settings: input.settings,
    clientId: input.clientId,
    flow: input.flow,
    userId: input.username,
    loginName: input.username,
    answers,
    choices: input.choices,
    srp: undefined,
    device: knownDevice(input, answers),
    deviceSrp: undefined,
    passwordDone: false,
    forgetLocalDevice: () => deleteDevice(input.io.env, input.profile),
  };
  if (passwordFirst(input, answers)) await answers.password(input.username);
  spinner = startSpinner(input.io, `Logging in ${input.username}`);
  let result: AuthenticationResult;
  try {
    result = await signIn(state);
  } finally {
    spinner.stop();
  }
  if (input.rememberDevice) await rememberDevice(state, result, input.profile);
  else if (result.NewDeviceMetadata && isTty(input.io.stderr)) {
    answers.note(
      'cogauth: this pool can remember devices: log in with --remember-device to skip MFA here next time',
    );
  }
  return { result, deviceKey: result.NewDeviceMetadata?.DeviceKey ?? state.device?.deviceKey };
}

import { CliError, UsageError } from '../errors.js';
import { type Io, isTty, warnSecretOnArgv } from '../output.js';
import { promptLine, promptSecret, readStdin } from '../prompt.js';
import { StdinLines } from './stdin-lines.js';

// Where each answer of a sign-in comes from, first match wins: its own flag (the argv forms kept for
// compatibility warn, as --password does), its own COGAUTH_* variable (used for one challenge at most), the
// next line of stdin with --codes-stdin, a prompt without echo when stdin is a terminal. Never required on
// argv; nothing read here is ever written anywhere but to Cognito.

export type AnswerKind = 'password' | 'newPassword' | 'mfaCode' | 'otpCode' | 'setupCode' | 'customAnswer';

/**
 * Each answer's own variable. The code of an authenticator being set up has none: it depends on a secret
 * Cognito creates during this very login.
 */
export const ANSWER_ENV: Readonly<Record<AnswerKind, string | undefined>> = {
  password: 'COGAUTH_PASSWORD',
  newPassword: 'COGAUTH_NEW_PASSWORD',
  mfaCode: 'COGAUTH_MFA_CODE',
  otpCode: 'COGAUTH_OTP_CODE',
  setupCode: undefined,
  customAnswer: 'COGAUTH_CUSTOM_ANSWER',
};

export type AnswerSource = 'flag' | 'env' | 'stdin' | 'prompt';

export interface Answer {
  value: string;
  source: AnswerSource;
}

export interface AnswerRequest {
  kind: AnswerKind;
  /** The challenge that asks, for messages (`SMS_MFA`). */
  challenge: string;
  /** What is asked, for the stdin notice and errors: `the code sent by SMS to +*******0100`. */
  what: string;
  /** The terminal prompt: `SMS code: `. */
  prompt: string;
  /** A deprecated argv flag that answers this, e.g. --totp-code. */
  flag?: { name: string; value: string | undefined };
  /** On a terminal, ask twice and compare (a new password). */
  confirm?: boolean;
}

export interface AnswersOptions {
  /** --password-stdin: the password is all of stdin, or its first line with --codes-stdin. */
  passwordStdin: boolean;
  /** --codes-stdin: every other answer is the next line of stdin. */
  codesStdin: boolean;
  /** --password, the argv form (warns). */
  passwordFlag: string | undefined;
  /** Called before anything is written to the terminal (stops the spinner). */
  pause: () => void;
}

const CODE_KINDS: ReadonlySet<AnswerKind> = new Set(['mfaCode', 'otpCode', 'setupCode']);

export class Answers {
  readonly #io: Io;
  readonly #options: AnswersOptions;
  readonly #used = new Set<string>();
  #lines: StdinLines | undefined;
  #password: Promise<string> | undefined;
  /** Where the latest answer came from: only one typed at a prompt is asked for again after a wrong code. */
  lastSource: AnswerSource | undefined;

  constructor(io: Io, options: AnswersOptions) {
    this.#io = io;
    this.#options = options;
    if (options.passwordStdin && options.passwordFlag !== undefined) {
      throw new UsageError('use either --password or --password-stdin, not both');
    }
  }

  /** A terminal to prompt on: stdin is one, and --password-stdin did not take it. */
  get interactive(): boolean {
    return isTty(this.#io.stdin) && !this.#options.passwordStdin;
  }

  /** Answers come from stdin lines (--codes-stdin on a pipe). */
  get fromStdin(): boolean {
    return this.#options.codesStdin && !isTty(this.#io.stdin);
  }

  /** Whether anything could answer `kind` now, without reading it. */
  canAnswer(kind: AnswerKind): boolean {
    const env = ANSWER_ENV[kind];
    const fromEnv = env !== undefined && !this.#used.has(`env:${kind}`) && Boolean(this.#io.env[env]);
    return fromEnv || this.fromStdin || this.interactive;
  }

  /** A line for the user on stderr (after the spinner stopped). */
  note(text: string): void {
    this.#options.pause();
    this.#io.stderr.write(`${text}\n`);
  }

  /** The password: --password, --password-stdin, COGAUTH_PASSWORD, else a prompt. Read once. */
  password(username: string): Promise<string> {
    this.#password ??= this.#readPassword(username);
    return this.#password;
  }

  /** Whether the user gave a password without being asked (flag, stdin or variable). */
  get passwordGiven(): boolean {
    return (
      this.#options.passwordFlag !== undefined ||
      this.#options.passwordStdin ||
      Boolean(this.#io.env.COGAUTH_PASSWORD)
    );
  }

  async #readPassword(username: string): Promise<string> {
    const { passwordFlag, passwordStdin, codesStdin } = this.#options;
    if (passwordFlag !== undefined) {
      warnSecretOnArgv(this.#io, '--password', 'the prompt, --password-stdin or COGAUTH_PASSWORD');
      return passwordFlag;
    }
    if (passwordStdin) {
      const text = codesStdin ? await this.#stdinLine() : (await readStdin(this.#io)).replace(/\r?\n$/, '');
      if (!text) throw new UsageError('--password-stdin: stdin was empty');
      return text;
    }
    const fromEnv = this.#io.env.COGAUTH_PASSWORD;
    if (fromEnv) return fromEnv;
    if (!this.interactive) {
      throw new UsageError(
        'stdin is not a terminal, so cannot prompt for the password: pass --password-stdin or set COGAUTH_PASSWORD',
      );
    }
    this.#options.pause();
    return promptSecret(this.#io, `Password for ${username}: `, 'pass --password-stdin');
  }

  async answer(request: AnswerRequest): Promise<Answer> {
    const answer = await this.#answer(request);
    this.lastSource = answer.source;
    return answer;
  }

  async #answer(request: AnswerRequest): Promise<Answer> {
    const { kind, flag } = request;
    if (flag?.value !== undefined && !this.#used.has(`flag:${kind}`)) {
      this.#used.add(`flag:${kind}`);
      warnSecretOnArgv(this.#io, flag.name, ANSWER_ENV[kind] ?? 'the prompt');
      return { value: this.#clean(kind, flag.value, flag.name), source: 'flag' };
    }
    const env = ANSWER_ENV[kind];
    if (env !== undefined && this.#io.env[env] && !this.#used.has(`env:${kind}`)) {
      this.#used.add(`env:${kind}`);
      return { value: this.#clean(kind, this.#io.env[env] as string, env), source: 'env' };
    }
    if (this.fromStdin) {
      this.note(`cogauth: ${request.challenge}: reading ${request.what} from stdin`);
      return {
        value: this.#clean(kind, await this.#stdinLine(request.challenge), 'the stdin line'),
        source: 'stdin',
      };
    }
    if (this.interactive) return { value: await this.#prompt(request), source: 'prompt' };
    if (env !== undefined && this.#used.has(`env:${kind}`)) {
      throw new CliError(
        `Cognito asks for ${request.challenge} again, and ${env} answered it once already: ` +
          'pass --codes-stdin or run on a terminal to answer more than once',
      );
    }
    throw new UsageError(`Cognito asks for ${request.challenge} (${request.what}): ${howToAnswer(kind)}`);
  }

  /** A choice on the terminal, by number or name; undefined when there is no terminal. */
  async choose(
    question: string,
    choices: Array<{ value: string; label: string }>,
  ): Promise<string | undefined> {
    if (!this.interactive) return undefined;
    this.#options.pause();
    const menu = choices.map((c, i) => `  ${i + 1}) ${c.label}`).join('\n');
    this.#io.stderr.write(`${question}\n${menu}\n`);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const typed = (await promptLine(this.#io, 'Choice: ', 'pass the choice as a flag')).toUpperCase();
      const byNumber = choices[Number(typed) - 1];
      const chosen = /^\d+$/.test(typed) ? byNumber : choices.find((c) => c.value === typed);
      if (chosen) return chosen.value;
      this.#io.stderr.write(`pick a number from 1 to ${choices.length}\n`);
    }
    throw new UsageError('no valid choice was made');
  }

  async #prompt(request: AnswerRequest): Promise<string> {
    this.#options.pause();
    const how = howToAnswer(request.kind);
    const first = this.#clean(request.kind, await promptSecret(this.#io, request.prompt, how), 'the answer');
    if (!request.confirm) return first;
    const again = await promptSecret(this.#io, `${request.prompt.replace(/: $/, '')} again: `, how);
    if (first !== again) throw new UsageError('the new passwords differ');
    return first;
  }

  async #stdinLine(challenge = 'the password'): Promise<string> {
    this.#lines ??= new StdinLines(this.#io.stdin);
    const line = await this.#lines.next();
    if (line === undefined) throw new UsageError(`stdin ended before the answer to ${challenge}`);
    return line;
  }

  /** Codes lose surrounding blanks; passwords and custom answers are kept as typed. Empty is refused. */
  #clean(kind: AnswerKind, value: string, from: string): string {
    const out = CODE_KINDS.has(kind) ? value.trim() : value;
    if (out === '') throw new UsageError(`${from} is empty`);
    return out;
  }
}

/** How to give an answer without a terminal, for the one-line refusal. */
export function howToAnswer(kind: AnswerKind): string {
  const env = ANSWER_ENV[kind];
  const fromEnv = env === undefined ? '' : `set ${env}, `;
  return `${fromEnv}pass --codes-stdin (one answer per line on stdin), or run on a terminal`;
}

import { CliError, EXIT_INTERRUPTED } from './errors.js';
import type { Io } from './output.js';

/** Asks on stderr and reads a line from a TTY stdin; fails (never hangs) when stdin is not a terminal. */
export async function promptLine(io: Io, question: string, howToAvoid: string): Promise<string> {
  requireTty(io, howToAvoid);
  // readline costs a few ms to load: only when a prompt is really shown.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  let onClose: (() => void) | undefined;
  try {
    return await new Promise<string>((resolveLine, reject) => {
      onClose = () => reject(new CliError('cancelled'));
      rl.once('close', onClose);
      rl.once('SIGINT', () => reject(new CliError('interrupted', { exitCode: EXIT_INTERRUPTED })));
      rl.question(question, (answer) => resolveLine(answer.trim()));
    });
  } finally {
    // Only our listener: readline's own 'close' listener detaches its echoing keypress handler.
    if (onClose) rl.off('close', onClose);
    rl.close();
  }
}

/** Reads a secret without echoing it: the terminal is put in raw mode and nothing is written back. */
export async function promptSecret(io: Io, question: string, howToAvoid: string): Promise<string> {
  requireTty(io, howToAvoid);
  const stdin = io.stdin as NodeJS.ReadStream;
  // Echo off before the prompt appears, so nothing typed after seeing it is ever echoed.
  stdin.setRawMode(true);
  io.stderr.write(question);
  stdin.resume();
  stdin.setEncoding('utf8');
  try {
    return await new Promise<string>((resolveSecret, reject) => {
      let value = '';
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            resolveSecret(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            reject(new CliError('interrupted', { exitCode: EXIT_INTERRUPTED }));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

/** Everything on stdin, e.g. `--password-stdin` or a token piped into `verify`. */
export async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function requireTty(io: Io, howToAvoid: string): void {
  if (!(io.stdin as NodeJS.ReadStream).isTTY) {
    throw new CliError(`stdin is not a terminal, so cannot prompt: ${howToAvoid}`, { exitCode: 2 });
  }
}

/** A token from the argument, or from stdin when the argument is missing or "-" and stdin is piped. */
export async function tokenArgument(io: Io, arg: string | undefined, what: string): Promise<string> {
  let text = arg;
  if (text === undefined || text === '-') {
    if ((io.stdin as NodeJS.ReadStream).isTTY) {
      throw new CliError(`no ${what}: pass it as an argument or pipe it on stdin`, { exitCode: 2 });
    }
    text = await readStdin(io);
  }
  const token = text.trim().replace(/^(authorization:\s*)?bearer\s+/i, '');
  if (!token) throw new CliError(`no ${what}: the argument or stdin was empty`, { exitCode: 2 });
  return token;
}

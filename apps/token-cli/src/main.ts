import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CogauthError, ConfigError, VerifyError } from '@cogauth/core';
import { COMMON_OPTIONS, type Command, makeContext } from './command.js';
import { check } from './commands/check.js';
import { config } from './commands/config.js';
import { decode } from './commands/decode.js';
import { login } from './commands/login.js';
import { logout } from './commands/logout.js';
import { m2m } from './commands/m2m.js';
import { refresh } from './commands/refresh.js';
import { rulesToCedarCommand } from './commands/rules-to-cedar.js';
import { token } from './commands/token.js';
import { verify } from './commands/verify.js';
import { whoami } from './commands/whoami.js';
import { completionCommand } from './completion.js';
import { CliError, EXIT_INTERRUPTED, UsageError } from './errors.js';
import type { Io } from './output.js';

export const COMMANDS: readonly Command[] = [
  login,
  token,
  whoami,
  logout,
  refresh,
  m2m,
  verify,
  decode,
  check,
  rulesToCedarCommand,
  config,
  completionCommand(() => COMMANDS),
];

const NAME_WIDTH = Math.max(...COMMANDS.map((c) => c.name.length));

const GENERAL_HELP = `cogauth: get, inspect and verify Amazon Cognito tokens

Usage: cogauth <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(NAME_WIDTH)} ${c.summary}`).join('\n')}

Run "cogauth help <command>" (or "cogauth <command> --help") for its options and an example.
Settings come from flags, then COGAUTH_* variables, then your config file (profiles: --profile).
Exit codes: 0 ok, 1 refused or failed, 2 usage or config error, 3 Cognito/JWKS unreachable, 130 Ctrl-C.

Every day:
  cogauth login --profile dev
  curl -H "Authorization: Bearer $(cogauth token --profile dev)" https://api.example.com/me
  cogauth whoami --profile dev

Options: -V, --version   -h, --help
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one command; returns the exit code. Never throws: errors become one line on stderr. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const [name, ...rest] = argv;
    if (name === '--version' || name === '-V') {
      io.stdout.write(`cogauth ${version()}\n`);
      return 0;
    }
    if (name === 'help' && rest[0] !== undefined) return await main([rest[0], '--help'], io);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      (name === undefined ? io.stderr : io.stdout).write(GENERAL_HELP);
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command)
      throw new UsageError(`unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})`);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...COMMON_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]?.replace(/\. To specify a positional.*$/, '');
      throw new UsageError(`${message} (see "cogauth ${name} --help")`);
    }
    if (parsed.values.help) {
      io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
      return 0;
    }
    if (parsed.positionals.length > command.maxPositionals) {
      throw new UsageError(
        `too many arguments for "cogauth ${name}": ${parsed.positionals.length} (see "cogauth ${name} --help")`,
      );
    }
    const ctx = makeContext(
      io,
      parsed.values as ReturnType<typeof makeContext>['values'],
      parsed.positionals,
    );
    return await command.run(ctx);
  } catch (error) {
    return reportError(io, error, debug);
  }
}

export function reportError(io: Io, error: unknown, debug: boolean): number {
  let line: string;
  let exitCode = 1;
  if (error instanceof CliError) {
    line = error.message;
    exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    line = `config error: ${error.message}`;
    exitCode = 2;
  } else if (error instanceof VerifyError) {
    line = `${error.code}: ${error.message}`;
  } else if (error instanceof CogauthError) {
    line = error.message;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    line = `unexpected error: ${message}${debug ? '' : ' (run with --debug for details)'}`;
  }
  io.stderr.write(`cogauth: ${oneLine(line)}\n`);
  if (debug && error instanceof Error) io.stderr.write(`${describeStack(error)}\n`);
  return exitCode;
}

function describeStack(error: Error): string {
  let out = error.stack ?? String(error);
  let cause = error.cause;
  while (cause instanceof Error) {
    out += `\nCaused by: ${cause.stack ?? cause.message}`;
    cause = cause.cause;
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function processIo(): Io {
  // Ctrl-C while waiting on the network or a browser: 130, as shells report an interrupt.
  process.once('SIGINT', () => {
    process.stderr.write('\n');
    process.exit(EXIT_INTERRUPTED);
  });
  // `cogauth decode ... | head`: a closed pipe ends the output, not with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    // process.stdin builds a net.Socket or tty stream on first access: only commands that read it pay.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}

import { CogauthError } from '@cogauth/core';

/** Exit codes: 0 ok, 1 refused or failed, 2 usage or configuration, 3 could not reach Cognito / the JWKS. */
export const EXIT_UNREACHABLE = 3;
/** Interrupted with Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_INTERRUPTED = 130;

/**
 * An error the CLI reports as one line on stderr. `exitCode` 2 marks a usage problem
 * (bad flag, missing setting), 1 a failure of the operation itself.
 */
export class CliError extends CogauthError {
  override name = 'CliError';
  readonly exitCode: number;
  constructor(message: string, options?: { exitCode?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options?.exitCode ?? 1;
  }
}

export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, { exitCode: 2 });
  }
}

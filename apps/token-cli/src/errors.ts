import { CogauthError } from '@cogauth/core';

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

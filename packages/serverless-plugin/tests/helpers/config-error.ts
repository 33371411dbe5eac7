import { ConfigError } from '@cogauth/core';
import { expect } from 'vitest';

/** Runs `fn` and returns the ConfigError it throws (failing the test if it throws nothing or anything else). */
export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

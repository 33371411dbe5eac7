import { CliError } from './errors.js';

type CedarPackage = typeof import('@cogauth/cedar');

/**
 * `@cogauth/cedar`, an optional peer of the CLI (its WebAssembly engine is 4 MB): imported here only, by the
 * commands that decide with Cedar, so no other command loads it and users who never run them need not install
 * it. Missing, it is a configuration error (exit 2) saying how to install it.
 */
export async function cedarPackage(command: string): Promise<CedarPackage> {
  try {
    return await import('@cogauth/cedar');
  } catch (error) {
    if (!isMissing(error)) throw error;
    throw new CliError(
      `${command} needs @cogauth/cedar, which is not installed: npm i -g @cogauth/cedar (or install it beside @cogauth/cli)`,
      { exitCode: 2 },
    );
  }
}

/** Node's error for the package itself not found (not for one of its own imports). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    String((error as Error).message).includes("'@cogauth/cedar'")
  );
}

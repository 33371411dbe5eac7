import type { ConfigError } from '../errors.js';

/** After `<option>`: an index/member path (`[2].route`, `.keys[0]`) ending in `: `. Linear: no nesting. */
const INNER_PATH = /^((?:\[\d+\]|\.[A-Za-z_]\w*)*): /;

/** Where inside a variable's value `handlerFromEnv` found the problem, and what it is. */
export interface EnvErrorDetail {
  /** The path inside the option, e.g. `[1].route` for `COGAUTH_RULES: rules[1].route: …`; `''` if none. */
  readonly path: string;
  /** The message without the variable and the option path. */
  readonly detail: string;
}

/**
 * Splits a `handlerFromEnv` ConfigError into the path inside the variable's value and the bare message
 * (`COGAUTH_RULES[1].route: invalid …` → `[1].route`, `invalid …`; with `option`, also the form
 * `COGAUTH_X: <option>[0].field: …`), so deploy tooling (the CDK construct, the Serverless plugin) can name
 * the setting its user wrote instead of the variable.
 */
export function envErrorDetail(err: ConfigError, option?: string): EnvErrorDetail {
  let rest = err.message.startsWith(err.field) ? err.message.slice(err.field.length) : `: ${err.message}`;
  // `COGAUTH_RULES[1].route: …`: the path follows the variable.
  const direct = INNER_PATH.exec(rest);
  if (direct !== null && direct[1] !== '')
    return { path: direct[1] as string, detail: rest.slice(direct[0].length) };
  rest = rest.startsWith(': ') ? rest.slice(2) : rest;
  // `COGAUTH_RULES: rules[1].route: …`: the path follows the option's name.
  if (option !== undefined && rest.startsWith(option)) {
    const inner = INNER_PATH.exec(rest.slice(option.length));
    if (inner !== null)
      return { path: inner[1] as string, detail: rest.slice(option.length + inner[0].length) };
  }
  return { path: '', detail: rest };
}

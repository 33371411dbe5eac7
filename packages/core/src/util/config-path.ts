// Not in errors.ts: the CommonJS entries other than index.cjs take errors.ts's exports from index.cjs, which
// re-exports only the public ones.

/** Where a bad setting is, outermost first: an option or variable name, then members and list indexes. */
export type ConfigPath = readonly (string | number)[];

/** `['COGAUTH_POOLS', 1, 'issuer']` → `COGAUTH_POOLS[1].issuer`. */
export function configPathText(path: ConfigPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

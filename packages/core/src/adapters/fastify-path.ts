import { isRecord } from '../util/guards.js';
import { originFormPath } from './request-path.js';

/**
 * Whether find-my-way surely ends the path at `;` (`useSemicolonDelimiter`), read from Fastify's validated
 * `initialConfig`. `routerOptions` wins over the deprecated top-level option, but the validator fills in
 * `routerOptions.useSemicolonDelimiter: false` when only the top-level one is set, and it coerces values
 * (`'false'` reads `false` here, yet find-my-way tests the raw string for truth). So only `true` is certain.
 */
export function cutsAtSemicolon(config: unknown): boolean {
  if (!isRecord(config)) return false;
  const router = config.routerOptions;
  if (isRecord(router) && router.useSemicolonDelimiter === true) return true;
  return router === undefined && config.useSemicolonDelimiter === true;
}

/**
 * The path find-my-way (Fastify's router) matches for `url`, `''` when it cannot be known. Like
 * find-my-way's `find`: the path ends at `?` (or `;` with `useSemicolonDelimiter`; a `;` is refused unless
 * that option is surely on), and is percent-decoded with `decodeURI` except `%25`, so only the reserved
 * characters `#$&+,/:;=?@` and `%` stay encoded; a malformed escape is refused (Fastify answers 400).
 * Its other changes are not applied: `isCanonicalPath` refuses the empty segments and trailing slashes
 * `ignoreDuplicateSlashes` and `ignoreTrailingSlash` would remove, and the rules' case check covers
 * `caseSensitive: false`.
 */
export function fastifyRoutedPath(url: unknown, config: unknown): string {
  let path = originFormPath(url);
  if (path === undefined) return '';
  const semicolon = path.indexOf(';');
  if (semicolon >= 0) {
    if (!cutsAtSemicolon(config)) return '';
    path = path.slice(0, semicolon);
  }
  if (path.indexOf('%') < 0) return path;
  try {
    return decodeURI(path.split('%25').join('%2525'));
  } catch {
    return '';
  }
}

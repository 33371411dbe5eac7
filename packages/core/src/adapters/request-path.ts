/** Longest request path an adapter decides on; longer ones are refused. */
export const MAX_PATH_LENGTH = 8192;

const isHex = (c: number) => (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
const hexValue = (c: number) => (c <= 57 ? c - 48 : (c | 0x20) - 87);
/** RFC 3986 unreserved characters: a server may decode `%XX` of these before routing. */
const isUnreserved = (c: number) =>
  (c >= 48 && c <= 57) ||
  ((c | 0x20) >= 97 && (c | 0x20) <= 122) ||
  c === 45 ||
  c === 46 ||
  c === 95 ||
  c === 126;

/**
 * Whether a request path reads the same to the rules as to any router: it starts with `/`, has no empty
 * segment (`//`, a trailing `/` that a lenient router would route to the route without it), no `.` or `..`
 * segment, no backslash or control character, no `?` or `#` (where a router ends the path), and no
 * percent-encoded unreserved character, `/` or `\` (routers decode some of them before matching). Rules
 * match the path as given, so a path a router could read differently could reach a handler under another
 * rule's decision. One linear pass, no RegExp.
 */
export function isCanonicalPath(path: string): boolean {
  if (path.length === 0 || path.length > MAX_PATH_LENGTH || path.charCodeAt(0) !== 47) return false;
  if (path === '/') return true;
  let segmentStart = 1;
  let dots = 0;
  let other = false;
  for (let i = 1; i <= path.length; i++) {
    const c = i === path.length ? 47 : path.charCodeAt(i);
    if (c === 47) {
      if (i === segmentStart) return false;
      if (!other && (dots === 1 || dots === 2)) return false;
      segmentStart = i + 1;
      dots = 0;
      other = false;
      continue;
    }
    if (c < 32 || c === 127 || c === 92 || c === 35 || c === 63) return false;
    if (c === 37) {
      const h = path.charCodeAt(i + 1);
      const l = path.charCodeAt(i + 2);
      if (!isHex(h) || !isHex(l)) return false;
      const decoded = hexValue(h) * 16 + hexValue(l);
      if (isUnreserved(decoded) || decoded === 47 || decoded === 92) return false;
      other = true;
      i += 2;
    } else if (c === 46) dots++;
    else other = true;
  }
  return true;
}

/** Any byte but printable ASCII less `#`: one character class, so no backtracking (and a faster scan than a loop). */
const NOT_IN_TARGET = /[^!"$-~]/;

/**
 * The path of an origin-form request target (`/a/b?c` → `/a/b`) as every router reads it, or undefined
 * when routers may not: a target that does not start with `/` (absolute form `http://h/a`, `*`), holds a
 * `#` anywhere (never valid in a request target: Express falls back to `url.parse` and routes what comes
 * before it, find-my-way ends the path there), or any byte outside printable ASCII (Express's `parseurl`
 * also falls back to `url.parse` on whitespace, `\xa0` and `\ufeff`; Node's own parser refuses the rest).
 * The whole target is checked, query included.
 */
export function originFormPath(target: unknown): string | undefined {
  if (typeof target !== 'string' || target.charCodeAt(0) !== 47 || NOT_IN_TARGET.test(target))
    return undefined;
  const query = target.indexOf('?');
  return query < 0 ? target : target.slice(0, query);
}

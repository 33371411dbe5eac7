import { originFormPath } from './request-path.js';

/** What the Express adapter reads of a request to find its path. */
export interface ExpressTargetLike {
  /** The target as the current router sees it: its mount path is already cut off (`baseUrl`). */
  url: string;
  /** The mount path the parent routers matched (`/api`), `''` at the top. */
  baseUrl?: string;
  /** The target as it came in. */
  originalUrl?: string;
}

/**
 * The path Express routes this request on, `''` when it cannot be read the way Express reads it. That is
 * the mount path the parent routers matched (`req.baseUrl`, as received) followed by the path of `req.url`,
 * the rest the current router matches (or a rewrite by an earlier middleware, which the router follows as
 * well). Inside a mounted router `req.url` is `/` for both `/api` and `/api/`: both run the router's `/`
 * route, so both are judged as `/api`. Express matches the raw path (no percent-decoding); its letter case
 * and trailing slash handling are covered by `isCanonicalPath` and the rules' case check.
 */
export function expressRoutedPath(req: ExpressTargetLike): string {
  const rest = originFormPath(req.url);
  if (rest === undefined) return '';
  const original = req.originalUrl;
  if (typeof original === 'string' && original !== req.url && originFormPath(original) === undefined)
    return '';
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : '';
  if (base === '') return rest;
  return rest === '/' ? base : base + rest;
}

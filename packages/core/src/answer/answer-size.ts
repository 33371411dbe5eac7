import type { AuthorizerContext } from '../decide/context.js';

/**
 * The size of an IAM answer as API Gateway receives it (`JSON.stringify` of what the handler returns, in
 * UTF-8 bytes), worked out from its parts so that the resource lists, shared by every answer of a grant,
 * are measured once: `{"principalId":…,"policyDocument":{"Version":"2012-10-17","Statement":[…]},"context":…}`.
 * tests/unit/answer-size.test.ts checks these sums against `JSON.stringify` for generated answers.
 */

/** Bytes of a resource list's items as JSON strings, and how many there are. */
export interface ListSize {
  readonly count: number;
  readonly bytes: number;
}

/** UTF-8 bytes of a string that holds no lone surrogate (JSON.stringify's output never does). */
function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 2; // with the low surrogate after it: four bytes for two units
      i++;
    } else n += 2;
  }
  return n;
}

/** Bytes of a string written as JSON, quotes included. */
export function jsonBytes(s: string): number {
  return utf8Length(JSON.stringify(s));
}

export function listSize(items: readonly string[]): ListSize {
  let bytes = 0;
  for (const item of items) bytes += jsonBytes(item);
  return { count: items.length, bytes };
}

/** One more item on a list. */
export function withItem(list: ListSize, item: string): ListSize {
  return { count: list.count + 1, bytes: list.bytes + jsonBytes(item) };
}

// Module-level values are pure calls, so a bundle that never measures an answer (the web build) drops them.
const lengthOf = (value: unknown): number => JSON.stringify(value).length;
const EMPTY_ALLOW = /* @__PURE__ */ lengthOf({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [] });
const EMPTY_DENY = /* @__PURE__ */ lengthOf({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [] });
const EMPTY_DOCUMENT = /* @__PURE__ */ lengthOf({ Version: '2012-10-17', Statement: [] });
/** What the document adds between the principal and the context: `,"policyDocument":`. */
const DOCUMENT_KEY = 18;

/** Bytes of a statement's JSON, or 0 for a statement left out (an empty list). */
function statementBytes(empty: number, list: ListSize): number {
  return list.count === 0 ? 0 : empty + list.bytes + list.count - 1;
}

/** Bytes of the policy document with these Allow and Deny lists (an empty list has no statement). */
export function documentBytes(allow: ListSize, deny: ListSize): number {
  const statements = (allow.count > 0 ? 1 : 0) + (deny.count > 0 ? 1 : 0);
  const commas = statements > 1 ? statements - 1 : 0;
  return EMPTY_DOCUMENT + statementBytes(EMPTY_ALLOW, allow) + statementBytes(EMPTY_DENY, deny) + commas;
}

/** Bytes of the whole answer, the document's bytes given. */
export function answerBytes(principal: string, context: AuthorizerContext, document: number): number {
  return utf8Length(JSON.stringify({ principalId: principal, context })) + DOCUMENT_KEY + document;
}

/**
 * Whether the answer is at most `limit` bytes, stringifying the principal and the context only when a quick
 * upper bound (each UTF-16 unit at most six bytes, as `\uXXXX`) does not already settle it.
 */
export function answerWithin(
  principal: string,
  context: AuthorizerContext,
  document: number,
  limit: number,
): boolean {
  let upper = 40 + 6 * principal.length;
  for (const key in context) {
    const value = context[key];
    upper += 6 * key.length + 4 + (typeof value === 'string' ? 6 * value.length + 2 : 24);
  }
  if (upper + DOCUMENT_KEY + document <= limit) return true;
  return answerBytes(principal, context, document) <= limit;
}

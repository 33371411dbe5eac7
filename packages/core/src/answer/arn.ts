import { PARTITIONS, type Partition } from '../cognito/facts.js';
import { CogauthError } from '../errors.js';

/**
 * A parsed `methodArn` (REST, WebSocket) or `routeArn` (HTTP API):
 * `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/<VERB>/<path>` or `…/<stage>/$connect`.
 * `resource` is everything after the stage (`GET/messages/42`, `GET/` for the root, `$connect`).
 */
export interface MethodArn {
  readonly partition: Partition;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  /** HTTP verb, or the WebSocket route key such as `$connect`. */
  readonly method: string;
  /** Request path with a leading `/` (`/` for the root); empty for a WebSocket route key. */
  readonly path: string;
  readonly resource: string;
  readonly arn: string;
}

/** API Gateway's limit; longer values are refused before any parsing. */
const MAX_ARN_LENGTH = 2048;

/** Character classes of the ARN fields, tested one character at a time (no RegExp on the request path). */
const isLowerAlnumDash = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
const isAlnumDash = (c: number) => isLowerAlnumDash(c) || (c >= 65 && c <= 90);
const isWord = (c: number) => isAlnumDash(c) || c === 95;
const isUpper = (c: number) => c >= 65 && c <= 90;
/** Any character but a line terminator (what `.` matched in the former RegExp grammar). */
const isOnLine = (c: number) => c !== 10 && c !== 13 && c !== 0x2028 && c !== 0x2029;

function every(s: string, from: number, to: number, ok: (c: number) => boolean): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!ok(s.charCodeAt(i))) return false;
  return true;
}

function refuse(): never {
  throw new CogauthError('not an execute-api method or route ARN');
}

/**
 * Parses an API Gateway method or route ARN in one linear pass. Accepts serverless-offline's shape too
 * (`random-account-id`, route template instead of the request path), since the ARN comes from API Gateway,
 * not from the caller. Throws a CogauthError for anything else.
 */
export function parseMethodArn(arn: unknown): MethodArn {
  if (typeof arn !== 'string' || arn.length > MAX_ARN_LENGTH || !arn.startsWith('arn:')) refuse();
  const colon1 = arn.indexOf(':', 4);
  const partition = arn.slice(4, colon1) as Partition;
  if (colon1 < 0 || !PARTITIONS.includes(partition)) refuse();
  const service = colon1 + 1;
  if (!arn.startsWith('execute-api:', service)) refuse();
  const regionAt = service + 12;
  const colon3 = arn.indexOf(':', regionAt);
  const colon4 = colon3 < 0 ? -1 : arn.indexOf(':', colon3 + 1);
  const slash1 = colon4 < 0 ? -1 : arn.indexOf('/', colon4 + 1);
  const slash2 = slash1 < 0 ? -1 : arn.indexOf('/', slash1 + 1);
  if (slash2 < 0) refuse();
  if (!every(arn, regionAt, colon3, isLowerAlnumDash)) refuse();
  if (!every(arn, colon3 + 1, colon4, isAlnumDash)) refuse();
  if (!every(arn, colon4 + 1, slash1, isAlnumDash)) refuse();
  const stage = arn.slice(slash1 + 1, slash2);
  if (stage !== '$default' && !every(arn, slash1 + 1, slash2, isWord)) refuse();

  const rest = slash2 + 1;
  let method: string;
  let path: string;
  if (arn.charCodeAt(rest) === 36 /* $ */) {
    // A WebSocket route key: `$connect`, nothing after it.
    if (!every(arn, rest + 1, arn.length, isWord)) refuse();
    method = arn.slice(rest);
    path = '';
  } else {
    const slash3 = arn.indexOf('/', rest);
    if (slash3 < 0 || !every(arn, rest, slash3, isUpper)) refuse();
    if (!every(arn, slash3, arn.length, isOnLine)) refuse();
    method = arn.slice(rest, slash3);
    path = arn.slice(slash3);
  }
  return {
    partition,
    region: arn.slice(regionAt, colon3),
    accountId: arn.slice(colon3 + 1, colon4),
    apiId: arn.slice(colon4 + 1, slash1),
    stage,
    method,
    path,
    resource: path === '' ? method : `${method}${path}`,
    arn,
  };
}

/** The part of every resource ARN that a policy shares: `arn:…:<apiId>/<stage>/`. */
export function arnPrefix(arn: MethodArn): string {
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${arn.apiId}/${arn.stage}/`;
}

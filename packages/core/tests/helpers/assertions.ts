import { expect } from 'vitest';
import {
  type CognitoClaims,
  ConfigError,
  type RouteRule,
  VerifyError,
  type VerifyErrorCode,
} from '../../src/index.js';
import { type DecisionRequest, decide } from '../../src/rules.js';
import { configPathText } from '../../src/util/config-path.js';

/** Runs `fn` and asserts it fails with a VerifyError of `code` whose message does not contain the token. */
export async function expectCode(
  fn: () => unknown,
  code: VerifyErrorCode,
  token?: string,
): Promise<VerifyError> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(VerifyError);
  const error = caught as VerifyError;
  expect(error.code, error.message).toBe(code);
  if (token !== undefined) expectNoTokenIn(error.message, token);
  return error;
}

export function expectNoTokenIn(message: string, token: string): void {
  for (const segment of token.split('.')) {
    if (segment.length >= 8) expect(message).not.toContain(segment);
  }
}

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

/**
 * Where a ConfigError says the bad value is, written as its message writes it (`rules[1].route`), after
 * checking what the error derives from its path: the message and `field`, its first segment.
 */
export function placeOf(error: ConfigError): string {
  const place = configPathText(error.path);
  expect(error.message).toBe(`${place}: ${error.detail}`);
  expect(error.field).toBe(String(error.path[0]));
  return place;
}

/**
 * API Gateway's evaluation of an authorizer policy for one request ARN: an explicit Deny wins, then any
 * Allow, else the implicit deny. Wildcards: `*` any run of characters (`/` included), `?` one character.
 */
export function evaluatePolicy(
  policy: {
    policyDocument: { Statement: { Effect: string; Resource: string | string[]; Condition?: unknown }[] };
  },
  requestArn: string,
): 'Allow' | 'Deny' {
  let allowed = false;
  for (const s of policy.policyDocument.Statement) {
    if (s.Condition) continue;
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    if (!resources.some((r) => iamMatch(r, requestArn))) continue;
    if (s.Effect === 'Deny') return 'Deny';
    if (s.Effect === 'Allow') allowed = true;
  }
  return allowed ? 'Allow' : 'Deny';
}

function iamMatch(pattern: string, value: string): boolean {
  const re = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${re}$`, 's').test(value);
}

/**
 * What the policy the authorizer returns allows for `method path` (a WebSocket route key with path `''`):
 * the decision of `decide`, which `cogauth check` and other tools use.
 */
export function isAllowed(
  rules: readonly RouteRule[],
  claims: CognitoClaims,
  method: string,
  path: string,
): boolean {
  const request: DecisionRequest =
    path === '' ? { kind: 'websocket', routeKey: method } : { kind: 'http', method, path };
  return decide(request, { claims }, rules).status === 200;
}

/** The routes of the rules the claims satisfy (HTTP and WebSocket): every route the caller may use. */
export function permittedRoutes(rules: readonly RouteRule[], claims: CognitoClaims): string[] {
  const decision = decide({ kind: 'http', method: 'GET', path: '/' }, { claims }, rules);
  return decision.status === 401 ? [] : decision.permitted.map((r) => r.route);
}

import type { Partition } from './cognito.js';
import { CogauthError, ConfigError } from './errors.js';
import { isRecord } from './guards.js';

export const HTTP_VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpVerb = (typeof HTTP_VERBS)[number];
/** `ANY` and `*` both mean every verb. */
export type PolicyVerb = HttpVerb | 'ANY' | '*';

export type Effect = 'Allow' | 'Deny';

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

const METHOD_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):execute-api:([a-z0-9-]+):([A-Za-z0-9-]+):([A-Za-z0-9-]+)\/(\$default|[\w-]+)\/(?:([A-Z]+)(\/.*)|(\$[\w-]+))$/;
const ROUTE_KEY = /^\$[\w-]+$/;

/**
 * Parses an API Gateway method or route ARN. Accepts serverless-offline's shape too
 * (`random-account-id`, route template instead of the request path), since the ARN comes from API Gateway,
 * not from the caller. Throws a CogauthError for anything else.
 */
export function parseMethodArn(arn: unknown): MethodArn {
  const m = typeof arn === 'string' && arn.length <= 2048 ? METHOD_ARN.exec(arn) : null;
  if (!m) throw new CogauthError('not an execute-api method or route ARN');
  const [, partition, region, accountId, apiId, stage, verb, path, routeKey] = m as unknown as [
    string,
    Partition,
    string,
    string,
    string,
    string,
    string | undefined,
    string | undefined,
    string | undefined,
  ];
  const method = verb ?? (routeKey as string);
  const resource = verb === undefined ? method : `${verb}${path}`;
  return {
    partition,
    region,
    accountId,
    apiId,
    stage,
    method,
    path: path ?? '',
    resource,
    arn: arn as string,
  };
}

/** The part of every resource ARN that a policy shares: `arn:…:<apiId>/<stage>/`. */
export function arnPrefix(arn: MethodArn): string {
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${arn.apiId}/${arn.stage}/`;
}

const PARAM = /^\{[A-Za-z0-9._-]+\}$/;
const GREEDY = /^\{[A-Za-z0-9._-]+\+\}$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@%-]+$/;

/**
 * Converts a route path to the path part of a resource ARN. `{param}`, `{proxy+}` and a `*` segment become
 * the IAM wildcard `*`, which API Gateway matches against any characters, `/` included. Literal segments may
 * hold letters, digits, `_`, `-`, `.`, `~`, `%` and the other RFC 3986 sub-delimiters, never `*` or `?`.
 * Returns undefined for a path API Gateway cannot have.
 */
export function pathToResource(path: string): string | undefined {
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  if (path === '/') return '';
  const segments = path.slice(1).split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i] as string;
    if (s === '*' || PARAM.test(s)) out.push('*');
    else if (GREEDY.test(s)) {
      if (i !== segments.length - 1) return undefined;
      out.push('*');
    } else if (LITERAL.test(s)) out.push(s);
    else return undefined;
  }
  return out.join('/');
}

/** The verbs a policy verb stands for. `ANY` expands to every verb: a `*` verb would also match across `/`. */
export function expandVerb(verb: string): readonly HttpVerb[] | undefined {
  if (verb === 'ANY' || verb === '*') return HTTP_VERBS;
  return (HTTP_VERBS as readonly string[]).includes(verb) ? [verb as HttpVerb] : undefined;
}

/** IAM condition values are strings (`"true"`, `"42"`) or lists of strings. */
export type ConditionValue = string | string[];
/** IAM condition block, e.g. `{ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } }`. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;

export type ContextValue = string | number | boolean;
export type AuthorizerContext = Record<string, ContextValue>;

export interface PolicyStatement {
  Action: 'execute-api:Invoke';
  Effect: Effect;
  Resource: string[];
  Condition?: Record<string, Record<string, ConditionValue>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The IAM-policy answer of a Lambda authorizer (REST API, WebSocket, HTTP API with `iam` responses). */
export interface AuthorizerPolicyResult {
  principalId: string;
  policyDocument: PolicyDocument;
  context?: AuthorizerContext;
  usageIdentifierKey?: string;
}

interface StatementSpec {
  readonly effect: Effect;
  readonly resources: readonly string[];
  readonly conditions: Conditions | undefined;
}

/**
 * Converts values to what API Gateway accepts in an authorizer `context`: strings, finite numbers and
 * booleans pass; `null`/`undefined` are dropped; arrays are joined with `,` (elements converted with
 * `String`, objects JSON-encoded); plain objects are JSON-encoded. NaN/Infinity, bigint, functions and
 * symbols are refused with a ConfigError naming the key.
 */
export function toAuthorizerContext(input: Readonly<Record<string, unknown>>): AuthorizerContext {
  if (!isRecord(input)) throw new ConfigError('context', 'must be an object');
  const out: AuthorizerContext = {};
  for (const key of Object.keys(input)) {
    const value = contextValue(key, input[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function contextValue(key: string, value: unknown): ContextValue | undefined {
  const field = `context.${key}`;
  if (key === '') throw new ConfigError('context', 'keys must not be empty');
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new ConfigError(field, 'must be a finite number');
      return value;
    case 'undefined':
      return undefined;
    case 'object':
      if (value === null) return undefined;
      if (Array.isArray(value)) return value.map((v) => arrayElement(field, v)).join(',');
      return json(field, value);
    default:
      throw new ConfigError(field, `a ${typeof value} cannot be passed in an authorizer context`);
  }
}

function arrayElement(field: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return json(field, value);
  if (typeof value === 'number' && !Number.isFinite(value)) throw new ConfigError(field, 'must be finite');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new ConfigError(field, `a ${typeof value} cannot be passed in an authorizer context`);
}

function json(field: string, value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error('non-finite number');
      return v;
    });
  } catch (cause) {
    throw new ConfigError(field, `cannot be JSON-encoded (${(cause as Error).message})`);
  }
}

function checkConditions(conditions: Conditions | undefined): Conditions | undefined {
  if (conditions === undefined) return undefined;
  const operators = typeof conditions === 'object' && conditions !== null ? Object.keys(conditions) : [];
  if (operators.length === 0) throw new ConfigError('conditions', 'must be a non-empty object');
  for (const op of operators) {
    const block = conditions[op];
    if (typeof block !== 'object' || block === null || Object.keys(block).length === 0) {
      throw new ConfigError(`conditions.${op}`, 'must be a non-empty object');
    }
  }
  return structuredClone(conditions);
}

/**
 * An immutable IAM policy builder for API Gateway Lambda authorizers, scoped to the API and stage of a
 * method ARN. Every method returns a new builder; `build` returns a fresh document each time.
 *
 * ```ts
 * AuthPolicy.forArn(event.methodArn).allow('GET', '/messages').deny('DELETE', '/messages/{id}').build(sub)
 * ```
 */
export class AuthPolicy {
  readonly #prefix: string;
  readonly #statements: readonly StatementSpec[];
  readonly #context: AuthorizerContext | undefined;
  readonly #usageIdentifierKey: string | undefined;

  private constructor(
    prefix: string,
    statements: readonly StatementSpec[],
    context: AuthorizerContext | undefined,
    usageIdentifierKey: string | undefined,
  ) {
    this.#prefix = prefix;
    this.#statements = statements;
    this.#context = context;
    this.#usageIdentifierKey = usageIdentifierKey;
  }

  /** A builder for the API and stage of `arn` (a method ARN string or a parsed one). */
  static forArn(arn: string | MethodArn): AuthPolicy {
    const parsed = typeof arn === 'string' ? parseMethodArn(arn) : arn;
    return new AuthPolicy(arnPrefix(parsed), [], undefined, undefined);
  }

  /** The resource ARNs that `method path` stands for in this API and stage. */
  resourcesFor(method: PolicyVerb, path: string): string[] {
    const verbs = expandVerb(method);
    if (!verbs) throw new ConfigError('method', `must be one of ${HTTP_VERBS.join(', ')}, ANY or *`);
    const resourcePath = pathToResource(path);
    if (resourcePath === undefined)
      throw new ConfigError('path', `invalid route path ${JSON.stringify(path)}`);
    return verbs.map((v) => `${this.#prefix}${v}/${resourcePath}`);
  }

  allow(method: PolicyVerb, path: string, conditions?: Conditions): AuthPolicy {
    return this.#add('Allow', this.resourcesFor(method, path), conditions);
  }

  deny(method: PolicyVerb, path: string, conditions?: Conditions): AuthPolicy {
    return this.#add('Deny', this.resourcesFor(method, path), conditions);
  }

  /** Allows a WebSocket route key such as `$connect`. */
  allowRouteKey(routeKey: string, conditions?: Conditions): AuthPolicy {
    return this.#add('Allow', [this.#routeKeyResource(routeKey)], conditions);
  }

  denyRouteKey(routeKey: string, conditions?: Conditions): AuthPolicy {
    return this.#add('Deny', [this.#routeKeyResource(routeKey)], conditions);
  }

  /** Every route of this API and stage. */
  allowAll(): AuthPolicy {
    return this.#add('Allow', [`${this.#prefix}*`], undefined);
  }

  denyAll(): AuthPolicy {
    return this.#add('Deny', [`${this.#prefix}*`], undefined);
  }

  /** Adds context entries (see `toAuthorizerContext` for the conversions); later keys win. */
  withContext(context: Readonly<Record<string, unknown>>): AuthPolicy {
    const merged = { ...this.#context, ...toAuthorizerContext(context) };
    return new AuthPolicy(this.#prefix, this.#statements, merged, this.#usageIdentifierKey);
  }

  /** The API key for usage plans (API key source `AUTHORIZER`). */
  withUsageIdentifierKey(key: string): AuthPolicy {
    if (typeof key !== 'string' || key.length === 0) {
      throw new ConfigError('usageIdentifierKey', 'must be a non-empty string');
    }
    return new AuthPolicy(this.#prefix, this.#statements, this.#context, key);
  }

  /**
   * The authorizer response. Unconditional statements of one effect are merged into one statement; each
   * conditional allow/deny keeps its own. Throws if nothing was allowed or denied: API Gateway refuses an
   * empty policy.
   */
  build(principalId: string): AuthorizerPolicyResult {
    if (typeof principalId !== 'string' || principalId.length === 0) {
      throw new ConfigError('principalId', 'must be a non-empty string');
    }
    if (this.#statements.length === 0) throw new CogauthError('policy has no statements');
    const statements: PolicyStatement[] = [];
    for (const effect of ['Allow', 'Deny'] as const) {
      const plain = new Set<string>();
      for (const s of this.#statements) {
        if (s.effect !== effect) continue;
        if (s.conditions) {
          statements.push({
            Action: 'execute-api:Invoke',
            Effect: effect,
            Resource: [...s.resources],
            Condition: structuredClone(s.conditions) as PolicyStatement['Condition'],
          });
        } else for (const r of s.resources) plain.add(r);
      }
      if (plain.size > 0)
        statements.push({ Action: 'execute-api:Invoke', Effect: effect, Resource: [...plain] });
    }
    const result: AuthorizerPolicyResult = {
      principalId,
      policyDocument: { Version: '2012-10-17', Statement: statements },
    };
    if (this.#context) result.context = { ...this.#context };
    if (this.#usageIdentifierKey !== undefined) result.usageIdentifierKey = this.#usageIdentifierKey;
    return result;
  }

  #routeKeyResource(routeKey: string): string {
    if (!ROUTE_KEY.test(routeKey)) throw new ConfigError('routeKey', 'must look like $connect');
    return `${this.#prefix}${routeKey}`;
  }

  #add(effect: Effect, resources: readonly string[], conditions: Conditions | undefined): AuthPolicy {
    const spec: StatementSpec = {
      effect,
      resources: Object.freeze([...resources]),
      conditions: checkConditions(conditions),
    };
    return new AuthPolicy(
      this.#prefix,
      Object.freeze([...this.#statements, spec]),
      this.#context,
      this.#usageIdentifierKey,
    );
  }
}

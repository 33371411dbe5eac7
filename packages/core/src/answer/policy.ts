import type { AuthorizerContext } from '../decide/context.js';
import { toAuthorizerContext } from '../decide/context.js';
import { expandVerb, HTTP_VERBS, type PolicyVerb, pathToResource } from '../decide/route.js';
import { CogauthError, ConfigError } from '../errors.js';
import { arnPrefix, type MethodArn, parseMethodArn } from './arn.js';

export type Effect = 'Allow' | 'Deny';

/** IAM condition values are strings (`"true"`, `"42"`) or lists of strings. */
export type ConditionValue = string | string[];
/** IAM condition block, e.g. `{ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } }`. */
export type Conditions = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;

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

function checkConditions(conditions: Conditions | undefined): Conditions | undefined {
  if (conditions === undefined) return undefined;
  const operators = typeof conditions === 'object' && conditions !== null ? Object.keys(conditions) : [];
  if (operators.length === 0) throw new ConfigError('conditions', 'must be a non-empty object');
  for (const op of operators) {
    const block = conditions[op];
    if (typeof block !== 'object' || block === null || Object.keys(block).length === 0) {
      throw new ConfigError(['conditions', op], 'must be a non-empty object');
    }
  }
  return structuredClone(conditions);
}

const ROUTE_KEY = /^\$[\w-]+$/;

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

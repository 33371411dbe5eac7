import type { AnswerMode } from '../answer/size-check.js';
import type { AccessModel } from '../decide/access-model.js';
import { type AuthorizerContext, toAuthorizerContext } from '../decide/context.js';
import { RouteAccess } from '../decide/route-access.js';
import { type CompiledRule, compiledRules, type RouteRule } from '../decide/rules.js';
import { ConfigError } from '../errors.js';
import type { LogLevel } from '../observability/log-policy.js';
import type { MetricsOptions } from '../observability/metrics-options.js';
import {
  DEFAULT_OBSERVABILITY,
  type Observability,
  readObservability,
  type Watchers,
  watchersOf,
} from '../observability/observability.js';
import type { TracingMode } from '../observability/tracing.js';
import type { AlbVerifier, CognitoClaims, CognitoVerifier, CognitoVerifierOptions } from '../types.js';
import { isRecord } from '../util/guards.js';
import { defaultVerifier } from '../verify/verifier.js';
import { type DecisionLog, formatDecisionLog } from './decision-log.js';
import { isAlbVerifier } from './token-source.js';

export type HttpApiResponse = 'simple' | 'iam';
export type TokenSource = 'authorization' | 'x-amzn-oidc-data';
export type HttpApiCache = 'on' | 'off';

/** Extra context entries from the verified claims, merged over the defaults. Throwing fails closed (401). */
export type ContextHook = (
  claims: CognitoClaims,
) => Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;

/** What `createAuthorizer` and `createAuthenticator` take (the authenticator ignores the answer options). */
export interface CogauthOptions {
  /**
   * A verifier, or the options to create one with (`createCognitoVerifier`; a list for several pools; pools
   * chosen at run time: pass `createCognitoVerifier({ allowPools })`). `createAuthenticator` and the adapters
   * also take an ALB verifier (`createAlbVerifier`): they then read `x-amzn-oidc-data` instead of
   * `Authorization`, and the claims are the ALB's user claims (`AlbClaims`, no `token_use`).
   */
  verifier: CognitoVerifier | AlbVerifier | CognitoVerifierOptions | readonly CognitoVerifierOptions[];
  /** Rules from code or JSON; validated with `parseRules` (a malformed set throws a ConfigError). */
  rules: readonly RouteRule[] | string;
  context?: ContextHook;
  /** Receives one entry per decision; defaults to one JSON line on stdout. */
  logger?: (entry: DecisionLog) => void;
  /** `all` (default): every decision, allowed ones sampled by `logAllowedSampleRate`; `refusals`: Deny and Unauthorized only. */
  logLevel?: LogLevel;
  /** The share of allowed decisions logged, 0 to 1 (default 1). Refusals are always logged. */
  logAllowedSampleRate?: number;
  /** Decision, JWKS and result-cache metrics: CloudWatch EMF on stdout, or a sink. Absent: none. */
  metrics?: MetricsOptions;
  /** `otel`: spans through `@opentelemetry/api` (an optional peer, loaded only then); `off` by default. */
  tracing?: TracingMode;
  /**
   * HTTP API (payload 2.0) answer: `iam` (default: one policy covering every route the caller may use, safe
   * to cache by token alone, like REST) or `simple` (`{isAuthorized, context}` for this request only).
   */
  httpApiResponse?: HttpApiResponse;
  /**
   * Whether API Gateway caches the HTTP API authorizer's answers (`on`, default). With `simple` responses
   * and the cache on, a route key whose decision differs between the requests it covers (`$default`,
   * `ANY …`, `{proxy+}`, a route some rule only partly overlaps) is answered `isAuthorized: false` with
   * reason ROUTE_NOT_CACHEABLE. `off` states that the authorizer's result TTL is 0.
   */
  httpApiCache?: HttpApiCache;
  /**
   * AppSync: the most seconds an answer may be cached (`ttlOverride`, 0 to 3600, default 300); each answer
   * is cut to the token's remaining lifetime.
   */
  appSyncTtlSeconds?: number;
  /**
   * REST and HTTP API IAM answers: `all-routes` (default: one policy for every route the caller may use,
   * cached by token) or `per-request` (the part of that policy the requested route needs: for rule sets
   * whose whole policy is larger than API Gateway takes; needs the authorizer cache off for REST, and for
   * HTTP APIs the cache off or keyed by `$context.routeKey`: see "Answer size" in the README). A rule set
   * whose answer could be too large for the mode is refused with a ConfigError naming `rules`.
   */
  answerMode?: 'all-routes' | 'per-request';
}

/** AppSync's own limit on an authorizer's result TTL. */
export const MAX_APPSYNC_TTL_SECONDS = 3600;
export const DEFAULT_APPSYNC_TTL_SECONDS = 300;

/** The options, validated: what the runner and the answers work with. */
export interface Setup {
  /** An ALB verifier's claims are ALB user claims, read by the rules and the context as claims. */
  readonly verifier: Pick<CognitoVerifier, 'verify'>;
  /** Where the token is: `Authorization: Bearer`, or the raw `x-amzn-oidc-data` for an ALB verifier. */
  readonly tokenSource: TokenSource;
  readonly access: AccessModel;
  /** The route rules behind `access` (the adapters check them for case-blind routers). */
  readonly rules: readonly CompiledRule[];
  /** The context hook with its values converted to what API Gateway accepts. */
  readonly context: ((claims: CognitoClaims) => Promise<AuthorizerContext>) | undefined;
  /** The logger, after the log level and sample rate. */
  readonly log: (entry: DecisionLog) => void;
  readonly metrics: Watchers['metrics'];
  readonly tracing: Watchers['tracing'];
  readonly httpApiResponse: HttpApiResponse;
  readonly httpApiCache: HttpApiCache;
  readonly appSyncTtlSeconds: number;
  readonly answerMode: AnswerMode;
}

/** The default logger: one JSON line per decision on stdout. */
export function logLine(entry: DecisionLog): void {
  console.log(formatDecisionLog(entry));
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly [T, T]): T {
  if (value === undefined) return allowed[0];
  if (value !== allowed[0] && value !== allowed[1])
    throw new ConfigError(field, `must be '${allowed[0]}' or '${allowed[1]}'`);
  return value as T;
}

function appSyncTtl(value: unknown): number {
  if (value === undefined) return DEFAULT_APPSYNC_TTL_SECONDS;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_APPSYNC_TTL_SECONDS)
    throw new ConfigError('appSyncTtlSeconds', `must be an integer from 0 to ${MAX_APPSYNC_TTL_SECONDS}`);
  return value as number;
}

/** A verifier as given, or one created from verifier options (errors name `verifier.clientId`, …). */
function verifierOf(value: unknown): Pick<CognitoVerifier, 'verify'> {
  if (isRecord(value) && typeof value.verify === 'function') return value as unknown as CognitoVerifier;
  if (typeof value !== 'object' || value === null)
    throw new ConfigError('verifier', 'must be a CognitoVerifier or verifier options');
  return defaultVerifier(value, {}, ['verifier'], undefined, ['verifier']);
}

function hookOf(value: unknown, field: string): unknown {
  if (value !== undefined && typeof value !== 'function') throw new ConfigError(field, 'must be a function');
  return value;
}

/** What `setupOf` needs beside the verifier and the rules, already checked. */
export type Answers = Pick<Setup, 'httpApiResponse' | 'httpApiCache' | 'appSyncTtlSeconds' | 'answerMode'>;

/**
 * A setup from parts already checked (by `readOptions`, or by the environment reader for the bundle, which
 * needs neither the option checks nor the context hook's conversions).
 */
export function setupOf(
  verifier: Pick<CognitoVerifier, 'verify'>,
  rules: readonly CompiledRule[],
  answers: Answers,
  observability: Observability = DEFAULT_OBSERVABILITY,
  log: (entry: DecisionLog) => void = logLine,
  context?: Setup['context'],
  tracingPath?: string,
): Setup {
  const access = new RouteAccess(rules);
  const tokenSource: TokenSource = isAlbVerifier(verifier) ? 'x-amzn-oidc-data' : 'authorization';
  const watchers = watchersOf(observability, verifier, rules, log, tracingPath);
  return { verifier, tokenSource, access, rules, context, ...watchers, ...answers };
}

/** Validates the options; a ConfigError names the first bad one. Rules are compiled once, here. */
export function readOptions(options: unknown): Setup {
  if (!isRecord(options)) throw new ConfigError('options', 'must be an object');
  const verifier = verifierOf(options.verifier);
  const hook = hookOf(options.context, 'context') as ContextHook | undefined;
  const logger = hookOf(options.logger, 'logger') as ((entry: DecisionLog) => void) | undefined;
  const httpApiResponse = oneOf<HttpApiResponse>(options.httpApiResponse, 'httpApiResponse', [
    'iam',
    'simple',
  ]);
  const httpApiCache = oneOf<HttpApiCache>(options.httpApiCache, 'httpApiCache', ['on', 'off']);
  const appSyncTtlSeconds = appSyncTtl(options.appSyncTtlSeconds);
  const answerMode = oneOf<AnswerMode>(options.answerMode, 'answerMode', ['all-routes', 'per-request']);
  const observability = readObservability(options);
  const rules = compiledRules(options.rules);
  const context = hook && (async (claims: CognitoClaims) => toAuthorizerContext(await hook(claims)));
  const answers = { httpApiResponse, httpApiCache, appSyncTtlSeconds, answerMode };
  return setupOf(verifier, rules, answers, observability, logger, context);
}

import { compactResources } from '../answer/compact.js';
import type { AuthorizerPolicyResult } from '../answer/policy.js';
import { policyAnswer, type SimpleAuthorizerResult, type Target, Targets } from '../answer/policy-answer.js';
import { requestPart, routeKeyPart } from '../answer/scope.js';
import type { PolicyResources } from '../decide/access-model.js';
import { parseBearer } from '../decide/bearer.js';
import type { Unauthorized, Verdict } from '../decide/decide.js';
import { CogauthError } from '../errors.js';
import type { Setup } from '../pipeline/options.js';
import { AnswerRefused, type Finisher, type RunInput, type Runner } from '../pipeline/runner.js';
import {
  type AuthorizerEvent,
  type Door,
  type EventKindSpec,
  readHttpApiEvent,
  readRequestEvent,
  readTokenEvent,
} from './events.js';

type ApiGatewayResult = AuthorizerPolicyResult | SimpleAuthorizerResult;

interface ApiGatewayRun extends RunInput {
  readonly target: Target;
  /** An HTTP API event answered `{isAuthorized, context}` rather than with a policy. */
  readonly simple: boolean;
  /** HTTP API only: the route key API Gateway may cache the answer under. */
  readonly routeKey: unknown;
}

const ARN_INVALID: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'ARN_INVALID' };

/**
 * REST (TOKEN and REQUEST), HTTP API and WebSocket `$connect` events: an IAM policy for every route the
 * caller may use (cached by token, right for every route) or, in per-request mode, the part of it this
 * request needs; or an HTTP API simple answer for this request. Refusals throw `Error('Unauthorized')`, API
 * Gateway's 401.
 */
class ApiGatewayDoor implements Door, Finisher<ApiGatewayRun, ApiGatewayResult> {
  readonly #setup: Setup;
  readonly #runner: Runner;
  readonly #targets = new Targets();

  constructor(setup: Setup, runner: Runner) {
    this.#setup = setup;
    this.#runner = runner;
  }

  handle(start: number, event: AuthorizerEvent): Promise<ApiGatewayResult> {
    let target: Target;
    try {
      target = this.#targets.of(event.arn);
    } catch {
      return this.#runner.refused(start, event.kind, undefined, ARN_INVALID, this);
    }
    const simple = event.kind === 'HTTP_API_V2' && this.#setup.httpApiResponse === 'simple';
    // A simple answer is cached for the whole route key while the authorizer cache is on.
    const request =
      simple && this.#setup.httpApiCache === 'on'
        ? { ...target.request, cachedByRouteKey: event.routeKey }
        : target.request;
    const bearer = parseBearer(event.header);
    const run: ApiGatewayRun = {
      kind: event.kind,
      route: target.route,
      bearer,
      request,
      canonical: true,
      target,
      simple,
      routeKey: event.routeKey,
    };
    return this.#runner.run(start, run, this);
  }

  answer(run: ApiGatewayRun, verdict: Verdict<object>): ApiGatewayResult {
    const allowed = verdict.status === 200;
    if (run.simple) return { isAuthorized: allowed, context: verdict.context };
    const resources = this.#resourcesFor(run, verdict.grant, allowed);
    const answer = policyAnswer(run.target, resources, allowed, verdict.principal, verdict.context);
    // Larger than API Gateway takes (answer/limits.ts): a 401, never cached, rather than an answer it rejects.
    if (answer === undefined) throw new AnswerRefused('ANSWER_TOO_LARGE');
    return answer;
  }

  /**
   * The grant's whole answer, compacted; or the part this request needs (scope.ts): in per-request mode,
   * and always for WebSocket `$connect`, the one route a WebSocket authorizer answers for.
   */
  #resourcesFor(run: ApiGatewayRun, grant: object, allowed: boolean): PolicyResources {
    const whole = compactResources(this.#setup.access.policyOf(grant));
    const { request, arn } = run.target;
    if (request.kind === 'websocket') return requestPart(whole, arn.resource, allowed);
    if (this.#setup.answerMode !== 'per-request') return whole;
    // With the cache on, API Gateway reuses an HTTP API answer for the route key (identity sources).
    if (run.kind === 'HTTP_API_V2' && this.#setup.httpApiCache === 'on')
      return routeKeyPart(whole, run.routeKey, arn.resource, allowed);
    return requestPart(whole, arn.resource, allowed);
  }

  refuse(): never {
    throw new Error('Unauthorized');
  }
}

const apiGatewayDoor = (setup: Setup, runner: Runner): Door => new ApiGatewayDoor(setup, runner);

/** The API Gateway event kinds, in the order they are tried: what the deployable bundle registers. */
export const API_GATEWAY_KINDS: readonly EventKindSpec[] = [
  { read: readTokenEvent, door: apiGatewayDoor },
  { read: readHttpApiEvent, door: apiGatewayDoor },
  { read: readRequestEvent, door: apiGatewayDoor },
];

/** For an event no registered kind reads: 401 EVENT_UNSUPPORTED, as API Gateway's refusal. */
export const UNSUPPORTED: Finisher<RunInput, never> = {
  answer(): never {
    throw new CogauthError('unreachable');
  },
  refuse(): never {
    throw new Error('Unauthorized');
  },
};

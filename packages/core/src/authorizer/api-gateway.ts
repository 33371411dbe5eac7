import type { AuthorizerPolicyResult } from '../answer/policy.js';
import { policyAnswer, type SimpleAuthorizerResult, type Target, Targets } from '../answer/policy-answer.js';
import { parseBearer } from '../decide/bearer.js';
import type { Unauthorized, Verdict } from '../decide/decide.js';
import { CogauthError } from '../errors.js';
import type { Setup } from '../pipeline/options.js';
import type { Finisher, RunInput, Runner } from '../pipeline/runner.js';
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
}

const ARN_INVALID: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'ARN_INVALID' };

/**
 * REST (TOKEN and REQUEST), HTTP API and WebSocket `$connect` events: an IAM policy for every route the
 * caller may use (cached by token, right for every route), or an HTTP API simple answer for this request.
 * Refusals throw `Error('Unauthorized')`, API Gateway's 401.
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
    };
    return this.#runner.run(start, run, this);
  }

  answer(run: ApiGatewayRun, verdict: Verdict<object>): ApiGatewayResult {
    const allowed = verdict.status === 200;
    if (run.simple) return { isAuthorized: allowed, context: verdict.context };
    const resources = this.#setup.access.policyOf(verdict.grant);
    return policyAnswer(run.target, resources, allowed, verdict.principal, verdict.context);
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

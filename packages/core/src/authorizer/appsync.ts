import {
  type AppSyncAuthorizerResult,
  appSyncAnswer,
  appSyncBearer,
  appSyncRefusal,
  appSyncRoute,
} from '../answer/appsync.js';
import type { DecisionRequest, Verdict } from '../decide/decide.js';
import type { Setup } from '../pipeline/options.js';
import type { Finisher, RunInput, Runner } from '../pipeline/runner.js';
import { type AuthorizerEvent, type Door, type EventKindSpec, readAppSyncEvent } from './events.js';

const WHOLE_REQUEST: DecisionRequest = { kind: 'graphql' };

/**
 * AppSync Lambda authorizer events: a verified caller is let in with `deniedFields` listing every protected
 * field its rules do not cover (right for any operation AppSync serves from its cache); a refusal is
 * `isAuthorized: false` with nothing cached.
 */
class AppSyncDoor implements Door, Finisher<RunInput, AppSyncAuthorizerResult> {
  readonly #setup: Setup;
  readonly #runner: Runner;

  constructor(setup: Setup, runner: Runner) {
    this.#setup = setup;
    this.#runner = runner;
  }

  handle(start: number, event: AuthorizerEvent): Promise<AppSyncAuthorizerResult> {
    const run: RunInput = {
      kind: event.kind,
      route: appSyncRoute(event.operationName),
      bearer: appSyncBearer(event.header),
      request: WHOLE_REQUEST,
      canonical: true,
    };
    return this.#runner.run(start, run, this);
  }

  answer(_run: RunInput, verdict: Verdict<object>): AppSyncAuthorizerResult {
    // Route rules let every verified caller in; an access model may refuse the request as a whole.
    if (verdict.status !== 200) return appSyncRefusal();
    const denied = this.#setup.access.deniedFields(verdict.grant);
    return appSyncAnswer(verdict.claims, verdict.context, denied, this.#setup.appSyncTtlSeconds);
  }

  refuse(): AppSyncAuthorizerResult {
    return appSyncRefusal();
  }
}

/** The AppSync event kind: registered by `createAuthorizer` and `handlerFromEnv`, not by the bundle. */
export const APPSYNC_KIND: EventKindSpec = {
  read: readAppSyncEvent,
  door: (setup, runner) => new AppSyncDoor(setup, runner),
};

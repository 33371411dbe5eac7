import { errorName, type Unauthorized } from '../decide/decide.js';
import type { Setup } from '../pipeline/options.js';
import { Runner } from '../pipeline/runner.js';
import { isRecord } from '../util/guards.js';
import { UNSUPPORTED } from './api-gateway.js';
import type { Door, EventKindSpec } from './events.js';
import type { AuthorizerResult } from './handler-types.js';

/** The handler before it gets its overloads (handler-types.ts): it checks every event at run time. */
export type UntypedHandler = (event: unknown, context?: unknown) => Promise<AuthorizerResult>;

const EVENT_UNSUPPORTED: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'EVENT_UNSUPPORTED' };
const INTERNAL_ERROR: Unauthorized = { status: 401, effect: 'Unauthorized', reason: 'INTERNAL_ERROR' };

/**
 * One async Lambda handler for the event kinds given (see `createAuthorizer` for the decisions): each event
 * is read by the first kind that recognises it and answered by that kind's door; any other event is a 401
 * (EVENT_UNSUPPORTED). `setup` is already validated.
 */
export function authorizerOf(setup: Setup, kinds: readonly EventKindSpec[]): UntypedHandler {
  const runner = new Runner(setup);
  const doors = new Map<EventKindSpec['door'], Door>();
  for (const kind of kinds) if (!doors.has(kind.door)) doors.set(kind.door, kind.door(setup, runner));
  const reads = kinds.map((kind) => kind.read);
  const answering = kinds.map((kind) => doors.get(kind.door) as Door);

  // Not async: the door's promise is returned as it is (an async wrapper would cost two more ticks).
  return function authorize(event: unknown): Promise<AuthorizerResult> {
    const start = performance.now();
    let refusal = EVENT_UNSUPPORTED;
    try {
      if (isRecord(event)) {
        for (let i = 0; i < reads.length; i++) {
          const read = (reads[i] as EventKindSpec['read'])(event);
          if (read) return (answering[i] as Door).handle(start, read);
        }
      }
    } catch (err) {
      refusal = { ...INTERNAL_ERROR, error: errorName(err) };
    }
    return runner.refused(start, undefined, undefined, refusal, UNSUPPORTED);
  };
}

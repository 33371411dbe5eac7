import type { DecisionReason } from '../decide/decide.js';
import type { DecisionLog } from '../pipeline/decision-log.js';

/** How many values of one latency metric a flush carries at most (EMF's limit for a value array). */
export const MAX_VALUES = 100;

/** The decisions of one outcome, reason (and route) since the last flush. */
export interface DecisionGroup {
  readonly outcome: DecisionLog['decision'];
  readonly reason: DecisionReason;
  readonly route: string | undefined;
  count: number;
}

/**
 * Up to MAX_VALUES values, a uniform sample of all that were offered (reservoir sampling): a flush's
 * size stays bounded however busy the process is, and the percentiles stay those of every decision.
 */
export class Reservoir {
  readonly values: number[] = [];
  #seen = 0;

  offer(value: number): void {
    this.#seen += 1;
    if (this.values.length < MAX_VALUES) this.values.push(value);
    else {
      const at = Math.floor(Math.random() * this.#seen);
      if (at < MAX_VALUES) this.values[at] = value;
    }
  }
}

/** What one flush writes: every metric counted since the previous one, all in one minute. */
export class MetricsBatch {
  /** When the first thing in it was counted (ms since the epoch). */
  readonly timestamp: number;
  readonly groups: DecisionGroup[] = [];
  // Outcome → reason (→ route) → group: constant strings as keys, so no key is built per decision.
  readonly #index = new Map<string, Map<string, DecisionGroup | Map<string, DecisionGroup>>>();
  readonly latency = new Reservoir();
  readonly jwksLatency = new Reservoir();
  jwksFetches = 0;
  jwksFailures = 0;
  cacheHits = 0;

  constructor(timestamp: number) {
    this.timestamp = timestamp;
  }

  count(outcome: DecisionGroup['outcome'], reason: DecisionReason, route: string | undefined): void {
    let byReason = this.#index.get(outcome);
    if (byReason === undefined) {
      byReason = new Map();
      this.#index.set(outcome, byReason);
    }
    let entry = byReason.get(reason);
    if (route !== undefined) {
      if (entry === undefined) {
        entry = new Map<string, DecisionGroup>();
        byReason.set(reason, entry);
      }
      const byRoute = entry as Map<string, DecisionGroup>;
      const group = byRoute.get(route);
      if (group !== undefined) group.count += 1;
      else byRoute.set(route, this.#add(outcome, reason, route));
      return;
    }
    if (entry !== undefined) (entry as DecisionGroup).count += 1;
    else byReason.set(reason, this.#add(outcome, reason, undefined));
  }

  #add(outcome: DecisionGroup['outcome'], reason: DecisionReason, route: string | undefined): DecisionGroup {
    const group: DecisionGroup = { outcome, reason, route, count: 1 };
    this.groups.push(group);
    return group;
  }
}

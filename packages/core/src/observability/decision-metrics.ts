import type { DecisionRequest } from '../decide/decide.js';
import type { CompiledRule } from '../decide/rules.js';
import type { DecisionLog } from '../pipeline/decision-log.js';
import type { VerifierEvents } from '../verify/events.js';
import { datumsOf, emfLines } from './emf.js';
import { MetricsBatch } from './metrics-batch.js';
import type { MetricsConfig } from './metrics-options.js';
import { RouteNames } from './route-dimension.js';

const MINUTE_MS = 60_000;

/**
 * Writes EMF lines straight to stdout: not through `console`, which Lambda may wrap in its JSON log format.
 * A runtime without `process.stdout` (a Web runtime) gets them through `console.log`.
 */
function toStdout(lines: readonly string[]): void {
  if (lines.length === 0) return;
  const stdout = globalThis.process?.stdout;
  if (stdout) stdout.write(`${lines.join('\n')}\n`);
  else for (const line of lines) console.log(line);
}

/**
 * The authorizer's metrics: every decision is counted in memory (sampling applies to logs only) with the
 * JWKS downloads and result-cache hits its verifier reports, and written out at most once per
 * `flushMs`. The flush policy, for a Lambda function that is frozen between invocations (no timer runs
 * then):
 * - a record made when the last flush is `flushMs` old or older is written at once, with everything held:
 *   a quiet function writes each decision as it happens, so nothing waits for an invocation that may
 *   never come;
 * - under load, records wait for the first one made `flushMs` after the last flush (a timer does it too
 *   where the process keeps running: a server, or the next thaw of a Lambda environment);
 * - a batch never spans two minutes (its timestamp is its first record's): a record in a new minute first
 *   writes the held batch, so each metric lands in the minute its decision was made.
 * What a recycled environment held since its last flush (at most `flushMs` of decisions) is lost.
 */
export class DecisionMetrics implements VerifierEvents {
  readonly #config: MetricsConfig;
  readonly #routes: RouteNames | undefined;
  readonly #write: (lines: readonly string[]) => void;
  #batch: MetricsBatch | undefined;
  #lastFlush = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Cache hits since the last decision, added to the batch with it (no clock read per hit). */
  #hits = 0;

  constructor(
    config: MetricsConfig,
    rules: readonly CompiledRule[],
    write: (lines: readonly string[]) => void = toStdout,
  ) {
    this.#config = config;
    this.#routes = config.routeDimension ? new RouteNames(rules) : undefined;
    this.#write = write;
  }

  /** Counts one decision (its outcome, reason and latency; its route when the dimension is on). */
  decision(entry: DecisionLog, request: DecisionRequest | undefined, now = Date.now()): void {
    const batch = this.#batchAt(now);
    if (this.#hits > 0) {
      batch.cacheHits += this.#hits;
      this.#hits = 0;
    }
    batch.count(entry.decision, entry.reason, this.#routes?.of(request));
    batch.latency.offer(entry.latencyMs);
    this.#settle(now);
  }

  jwksFetched(durationMs: number, failed: boolean): void {
    const now = Date.now();
    const batch = this.#batchAt(now);
    batch.jwksFetches += 1;
    if (failed) batch.jwksFailures += 1;
    batch.jwksLatency.offer(Math.round(durationMs * 1000) / 1000);
    this.#settle(now);
  }

  resultCacheHit(): void {
    // Counted with the decision it serves, which comes next.
    this.#hits += 1;
  }

  /** Writes whatever is held (also for tests and a process about to stop). */
  flush(now = Date.now()): void {
    const batch = this.#batch;
    this.#batch = undefined;
    this.#lastFlush = now;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (batch === undefined) return;
    const sink = this.#config.sink;
    try {
      if (sink === undefined) this.#write(emfLines(this.#config, batch));
      else for (const datum of datumsOf(this.#config, batch)) sink(datum);
    } catch {
      // The decisions are made: a failing sink or stdout loses these metrics, nothing else.
    }
  }

  /** The batch to count into at `now`: the held one unless it began in an earlier minute. */
  #batchAt(now: number): MetricsBatch {
    const held = this.#batch;
    if (held !== undefined && Math.floor(held.timestamp / MINUTE_MS) === Math.floor(now / MINUTE_MS))
      return held;
    if (held !== undefined) this.flush(now);
    const batch = new MetricsBatch(now);
    this.#batch = batch;
    return batch;
  }

  #settle(now: number): void {
    const wait = this.#lastFlush + this.#config.flushMs - now;
    if (wait <= 0) this.flush(now);
    else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), wait);
      this.#timer.unref?.();
    }
  }
}

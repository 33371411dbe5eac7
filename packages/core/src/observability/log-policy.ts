import { ConfigError, type ConfigPath } from '../errors.js';
import type { DecisionLog } from '../pipeline/decision-log.js';

/** Which decisions are logged: `all` (allowed ones subject to the sample rate) or `refusals` only. */
export type LogLevel = 'all' | 'refusals';
export const LOG_LEVELS: readonly [LogLevel, LogLevel] = ['all', 'refusals'];

export function checkLogLevel(value: unknown, path: string | ConfigPath): LogLevel {
  if (value === undefined) return 'all';
  if (value !== 'all' && value !== 'refusals') throw new ConfigError(path, "must be 'all' or 'refusals'");
  return value;
}

export const SAMPLE_RATE_RULE = 'must be a number from 0 to 1 (the share of allowed decisions logged)';

export function checkSampleRate(value: unknown, path: string | ConfigPath): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new ConfigError(path, SAMPLE_RATE_RULE);
  return value;
}

/**
 * The logger as the level and sample rate want it: refusals (Deny, Unauthorized) always go through; an
 * Allow goes through with probability `rate` (none at level `refusals`). The defaults return `log` itself.
 */
export function sampledLog(
  log: (entry: DecisionLog) => void,
  level: LogLevel,
  rate: number,
  random: () => number = Math.random,
): (entry: DecisionLog) => void {
  const allowed = level === 'refusals' ? 0 : rate;
  if (allowed >= 1) return log;
  return (entry) => {
    if (entry.decision !== 'Allow' || (allowed > 0 && random() < allowed)) return log(entry);
  };
}

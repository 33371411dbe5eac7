/**
 * At most `limit` downloads per `windowMs` (a fixed window): the bound on key downloads that token contents
 * can start (a pool not in memory, an ALB key id not seen yet), so a flood of tokens cannot turn the
 * verifier into a request amplifier. A download refused here fails the token closed.
 */
export class FetchBudget {
  readonly limit: number;
  readonly windowMs: number;
  private windowStart = -Infinity;
  private used = 0;

  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Takes one download from the budget at `now`; false when the window's downloads are used up. */
  take(now: number): boolean {
    if (now >= this.windowStart + this.windowMs || now < this.windowStart) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.limit) return false;
    this.used += 1;
    return true;
  }
}

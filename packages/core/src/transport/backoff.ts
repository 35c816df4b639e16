export interface BackoffOptions {
  /** Ceiling of the first delay, in ms. */
  readonly baseMs: number;
  /** Largest ceiling, in ms. */
  readonly capMs: number;
  /** Uniform random number in [0, 1): injectable so tests can pin the jitter. */
  readonly random: () => number;
}

// 2^30 · base overflows any sensible cap long before; stopping the exponent there keeps the arithmetic finite.
const MAX_EXPONENT = 30;

/**
 * Exponential backoff with full jitter: the n-th delay is uniform in [0, min(cap, base·2^n)]. Full jitter (rather than
 * "base·2^n ± a little") is what spreads a crowd of clients that all lost the relay at the same instant, so a restarted
 * relay is not met by a thundering herd.
 */
export class Backoff {
  #attempt = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failed attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The ceiling the next delay is drawn under. */
  ceiling(): number {
    const { baseMs, capMs } = this.options;
    return Math.min(capMs, baseMs * 2 ** Math.min(this.#attempt, MAX_EXPONENT));
  }

  /**
   * Draws the next delay and counts an attempt. `minCeilingMs` widens the window for events that hit every client at
   * once (a relay going away), even when this client's own attempt count is low.
   */
  next(minCeilingMs = 0): number {
    const ceiling = Math.max(this.ceiling(), Math.min(minCeilingMs, this.options.capMs));
    this.#attempt++;
    return Math.floor(this.options.random() * ceiling);
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/**
 * Per-connection limits applied by the host: a token bucket for inbound messages, and a timer that may exceed
 * setTimeout's 24.8-day ceiling (for token expiry).
 */

// Shared default clock: a default-parameter arrow would be a new closure per bucket, i.e. per connection.
const performanceNow = (): number => performance.now();

/** A token bucket: `burst` messages at once, refilled at `perSecond`. `take()` is false when the connection is over its rate. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = performanceNow,
  ) {
    if (!(perSecond > 0) || !(burst >= 1)) throw new TypeError('rate limit needs perSecond > 0 and burst >= 1');
    this.#tokens = burst;
    this.#last = now();
  }

  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until `take()` can succeed again. */
  msUntilNext(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000);
  }

  #refill(): void {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
    this.#last = now;
  }
}

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs `fire` at `at` (ms since the epoch), however far away; returns a cancel function.
 *
 * The timer keeps the process alive, as the socket of each of its users (a connection's or a change feed's token
 * expiry) does anyway. Node keeps the timer list of a cancelled unreferenced timer until that timer's time (expecting
 * another timer of the same duration soon): every connection that closed before its token expired left one behind,
 * for as long as the token had to run.
 */
export function fireAt(at: number, fire: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const arm = (): void => {
    const delay = at - Date.now();
    if (delay <= 0) {
      timer = null;
      fire();
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_TIMEOUT_MS));
  };
  arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}

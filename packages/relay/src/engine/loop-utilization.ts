import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * The share of time the event loop worked (Node's event-loop utilization) over windows of at least `windowMs`: read as
 * often as one likes, it moves on only once a window has passed, so a reading taken between two close wake-ups does not
 * swing with the one task that ran in between.
 */
export class LoopUtilization {
  #windowStart: EventLoopUtilization = performance.eventLoopUtilization();
  #latest: number | null = null;

  constructor(readonly windowMs: number) {}

  /** The utilization (0 to 1) of the latest window that has ended; null until one has. */
  latest(): number | null {
    const now = performance.eventLoopUtilization();
    const start = this.#windowStart;
    if (now.idle + now.active - start.idle - start.active >= this.windowMs) {
      this.#latest = performance.eventLoopUtilization(now, start).utilization;
      this.#windowStart = now;
    }
    return this.#latest;
  }
}

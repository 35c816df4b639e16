import { monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import { LoopUtilization } from '../engine/loop-utilization.js';
import { addPauseListener, PAUSE_MS, type PauseCause } from '../engine/pauses.js';

/** The delay histogram's sampling timer (ms): a sample is how late it fired. */
export const DELAY_RESOLUTION_MS = 10;
/** Upper bounds (seconds) of the exported delay histogram's buckets. */
export const DELAY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Pauses wait this long (ms) before they are counted: Node reports a garbage collection after it ends, asynchronously. */
const SETTLE_MS = 100;
/** How often (ms) the monitor decides whether the loop is busy enough to sample its delay. */
const ACTIVITY_WINDOW_MS = 1_000;
/**
 * The share of a window the loop must have worked for the delay to be sampled over the next one. A loop that worked
 * less could only have been delayed by one pause, and a pause is counted by the pause histogram either way.
 */
const BUSY_UTILIZATION = 0.01;

interface Pause {
  cause: PauseCause;
  readonly start: number;
  readonly end: number;
}

export interface DelaySnapshot {
  /** Cumulative sample counts at or below each of DELAY_BUCKETS, then the total (+Inf). */
  readonly buckets: readonly number[];
  readonly sumSeconds: number;
}

/**
 * Watches the relay's event loop: `perf_hooks.monitorEventLoopDelay` for the delay histogram (read and reset at each
 * scrape, accumulated here so the exported buckets only grow), and the pauses of `timed` calls, relabelled `gc` when a
 * garbage collection took at least half of one; a collection of PAUSE_MS or more outside any such call is a `gc` pause
 * of its own.
 *
 * The delay is sampled only while the loop is busy (BUSY_UTILIZATION of the previous window, by Node's event-loop
 * utilization). The sampling timer wakes the process 100 times a second: on a 2-core virtual machine a relay with 20
 * connected, quiet clients spent 2.7 ms of CPU a second, and 0.2 ms once the timer slept while the loop was idle.
 */
export class EventLoopMonitor {
  readonly #delay: IntervalHistogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  #sampling = true;
  readonly #utilization: LoopUtilization;
  readonly #activity: NodeJS.Timeout;
  readonly #buckets: number[] = new Array<number>(DELAY_BUCKETS.length + 1).fill(0);
  #sumSeconds = 0;
  readonly #pending: Pause[] = [];
  readonly #collections: { start: number; end: number }[] = [];
  readonly #observer: PerformanceObserver;
  readonly #removeListener: () => void;
  /** Set while pauses or collections wait to be counted: an idle relay has no timer to wake it. */
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly onPause: (cause: PauseCause, seconds: number) => void,
    activityWindowMs = ACTIVITY_WINDOW_MS,
  ) {
    this.#delay.enable();
    // Half the check's period: a timer due every period can fire a hair early by the loop's finer clock, and a window
    // left unfinished would answer with the one before it.
    this.#utilization = new LoopUtilization(activityWindowMs / 2);
    this.#activity = setInterval(() => this.#checkActivity(), activityWindowMs);
    this.#activity.unref();
    this.#removeListener = addPauseListener((cause, ms, end) => {
      this.#pending.push({ cause, start: end - ms, end });
      this.#settleLater();
    });
    this.#observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.#collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
      this.#settleLater();
    });
    this.#observer.observe({ entryTypes: ['gc'] });
  }

  #settleLater(): void {
    if (this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#settle(performance.now() - SETTLE_MS);
      if (this.#pending.length > 0 || this.#collections.length > 0) this.#settleLater();
    }, SETTLE_MS);
    this.#timer.unref();
  }

  /** Samples taken since the last `delay()`. */
  get unreadSamples(): number {
    return this.#delay.count;
  }

  /** Whether the delay is being sampled: the loop was busy in the previous window. */
  get sampling(): boolean {
    return this.#sampling;
  }

  #checkActivity(): void {
    const busy = (this.#utilization.latest() ?? 1) >= BUSY_UTILIZATION;
    if (busy === this.#sampling) return;
    this.#sampling = busy;
    if (busy) this.#delay.enable();
    else {
      // Folded and reset first: re-enabled without a reset, Node's first sample would span the whole idle time.
      this.#fold();
      this.#delay.disable();
    }
  }

  /**
   * The delay histogram so far (the samples since the previous call are folded in). Node's reset drops the sample in
   * progress, so one sampling interval per call is not counted.
   */
  delay(): DelaySnapshot {
    this.#fold();
    return { buckets: [...this.#buckets], sumSeconds: this.#sumSeconds };
  }

  /** Adds the samples taken since the previous fold to the exported buckets, and resets the histogram. */
  #fold(): void {
    const histogram = this.#delay;
    const count = histogram.count;
    if (count > 0) {
      const resolutionNs = DELAY_RESOLUTION_MS * 1e6;
      // A sample is the interval between two ticks of the sampling timer; the delay is what exceeds its resolution.
      // The histogram gives its distribution as (percentile, value) points: a bucket holds the share of samples up to
      // the highest point at or below its bound.
      const points = [...histogram.percentiles];
      DELAY_BUCKETS.forEach((bound, i) => {
        let share = 0;
        for (const [percentile, value] of points) if (value - resolutionNs <= bound * 1e9) share = Math.max(share, percentile);
        this.#buckets[i]! += Math.round((count * share) / 100);
      });
      this.#buckets[DELAY_BUCKETS.length]! += count;
      this.#sumSeconds += (Math.max(0, histogram.mean - resolutionNs) * count) / 1e9;
    }
    // Also with no sample taken: the reset clears the time of the last tick, which the next sample is measured from.
    histogram.reset();
  }

  stop(): void {
    clearInterval(this.#activity);
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#removeListener();
    this.#observer.disconnect();
    this.#delay.disable();
    this.#settle(Number.POSITIVE_INFINITY);
  }

  /** Counts the pauses that ended before `before`, now that the collections that overlapped them are known. */
  #settle(before: number): void {
    const collections = this.#collections.filter((gc) => gc.end <= before);
    const settled = this.#pending.filter((pause) => pause.end <= before);
    for (const pause of settled) {
      const ms = pause.end - pause.start;
      let inCollections = 0;
      for (const gc of collections) inCollections += Math.max(0, Math.min(gc.end, pause.end) - Math.max(gc.start, pause.start));
      this.onPause(inCollections * 2 >= ms ? 'gc' : pause.cause, ms / 1000);
    }
    for (const gc of collections) {
      const alone = !settled.some((pause) => gc.start < pause.end && gc.end > pause.start);
      if (alone && gc.end - gc.start >= PAUSE_MS) this.onPause('gc', (gc.end - gc.start) / 1000);
    }
    this.#pending.splice(0, this.#pending.length, ...this.#pending.filter((pause) => pause.end > before));
    this.#collections.splice(0, this.#collections.length, ...this.#collections.filter((gc) => gc.end > before));
  }
}

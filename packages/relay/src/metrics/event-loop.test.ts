import { afterEach, describe, expect, it } from 'vitest';
import { DELAY_BUCKETS, EventLoopMonitor } from './event-loop-monitor.js';
import { LoopUtilization } from '../engine/loop-utilization.js';
import { addPauseListener, timed, type PauseCause } from '../engine/pauses.js';
import { RelayMetrics } from './relay-metrics.js';

/** Holds the event loop for `ms`: the behaviour under test is a blocked loop. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function collectPauses(): { cause: PauseCause; ms: number }[] {
  const pauses: { cause: PauseCause; ms: number }[] = [];
  cleanups.push(addPauseListener((cause, ms) => pauses.push({ cause, ms })));
  return pauses;
}

describe('timed: pause attribution', () => {
  it('charges a pause to the cause that spent most of it itself, nested calls included', () => {
    const pauses = collectPauses();
    timed('message', () => {
      block(1);
      timed('merge', () => block(12));
    });
    timed('forward', () => {
      block(15);
      timed('merge', () => block(2));
    });
    expect(pauses.map((pause) => pause.cause)).toEqual(['merge', 'forward']);
    expect(pauses[0]!.ms).toBeGreaterThanOrEqual(13);
  });

  it('ignores calls under 5 ms, and returns what the function returns', () => {
    const pauses = collectPauses();
    // A call that does nothing: on a busy machine even a 1 ms call can be descheduled past 5 ms of wall time.
    expect(timed('message', () => 42)).toBe(42);
    expect(pauses).toEqual([]);
  });
});

describe('LoopUtilization', () => {
  it('reads nothing until a window has passed, then the share of the latest whole window the loop worked', async () => {
    const utilization = new LoopUtilization(100);
    expect(utilization.latest()).toBeNull();
    await expect.poll(() => utilization.latest(), { interval: 10 }).not.toBeNull();
    const quiet = utilization.latest()!;
    expect(quiet).toBeLessThan(0.5);
    // Read again before the next window ends: the same reading, not the few milliseconds since.
    block(20);
    expect(utilization.latest()).toBe(quiet);
    // The loop works through the next window.
    block(120);
    expect(utilization.latest()).toBeGreaterThan(0.9);
  });
});

describe('EventLoopMonitor', () => {
  it('counts a pause once settled, and exports the loop delay a blocked loop caused as histogram buckets', async () => {
    const seen: { cause: PauseCause; seconds: number }[] = [];
    const monitor = new EventLoopMonitor((cause, seconds) => seen.push({ cause, seconds }));
    cleanups.push(() => monitor.stop());
    // The sampling timer starts with the loop's next turn: wait for its first sample, then block the loop.
    const before = monitor.delay();
    await expect.poll(() => monitor.unreadSamples).toBeGreaterThan(0);
    const samples = monitor.unreadSamples;
    const above10ms = (snapshot: typeof before) => snapshot.buckets.at(-1)! - snapshot.buckets[DELAY_BUCKETS.indexOf(0.01)]!;
    timed('compaction', () => block(40));
    // The first sample once the loop is free again is about 30 ms late.
    await expect.poll(() => monitor.unreadSamples).toBeGreaterThan(samples);
    const { buckets, sumSeconds } = monitor.delay();
    expect(above10ms({ buckets, sumSeconds }) - above10ms(before)).toBeGreaterThanOrEqual(1);
    expect(sumSeconds - before.sumSeconds).toBeGreaterThanOrEqual(0.02);
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    monitor.stop();
    // The blocked call is counted once, as itself (or as a collection, had one taken most of it).
    expect(seen.filter((pause) => pause.cause === 'compaction').length).toBeLessThanOrEqual(1);
    expect(seen.some((pause) => (pause.cause === 'compaction' || pause.cause === 'gc') && pause.seconds >= 0.04)).toBe(true);
  });

  it('stops sampling while the loop is idle, keeps what it sampled, and samples again once the loop works', async () => {
    const windowMs = 250;
    const monitor = new EventLoopMonitor(() => {}, windowMs);
    cleanups.push(() => monitor.stop());
    await expect.poll(() => monitor.unreadSamples).toBeGreaterThan(0);
    await expect.poll(() => monitor.sampling, { timeout: 10 * windowMs }).toBe(false);
    // What it sampled is folded into the exported buckets, nothing is left pending.
    expect(monitor.unreadSamples).toBe(0);
    // Work for more than 1 % of a window, in slices short enough to delay no sample by 100 ms.
    await expect
      .poll(() => {
        block(5);
        return monitor.sampling;
      }, { timeout: 10 * windowMs })
      .toBe(true);
    await expect.poll(() => monitor.unreadSamples).toBeGreaterThan(0);
    const { buckets } = monitor.delay();
    // Resumed without a reset, the sampler's first sample would span the idle time: at least one window, over 100 ms.
    expect(buckets.at(-1)! - buckets[DELAY_BUCKETS.indexOf(0.1)]!).toBe(0);
    expect(buckets.at(-1)).toBeGreaterThan(0);
  });

  it('serves both in the Prometheus text', async () => {
    const metrics = new RelayMetrics();
    cleanups.push(() => metrics.close());
    await expect.poll(async () => (await metrics.text()).match(/concord_relay_event_loop_delay_seconds_count (\d+)/)?.[1] ?? '0').not.toBe('0');
    timed('load', () => block(30));
    const text = await metrics.text();
    expect(text).toContain('# TYPE concord_relay_event_loop_delay_seconds histogram');
    expect(text).toMatch(/concord_relay_event_loop_delay_seconds_bucket\{le="0.005"\} \d+/);
    expect(text).toMatch(/concord_relay_event_loop_delay_seconds_bucket\{le="\+Inf"\} [1-9]/);
    metrics.close();
    expect(await metrics.text()).toMatch(/concord_relay_event_loop_pause_seconds_count\{cause="(load|gc)"\} 1/);
  });
});

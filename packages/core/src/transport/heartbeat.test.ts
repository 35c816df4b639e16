import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from './heartbeat.js';

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup() {
    const pings: number[] = [];
    const onDead = vi.fn();
    const heartbeat = new Heartbeat({ intervalMs: 3_000, timeoutMs: 8_000, sendPing: (nonce) => pings.push(nonce), onDead });
    return { heartbeat, pings, onDead };
  }

  it('pings every interval with increasing nonces', () => {
    const { heartbeat, pings } = setup();
    heartbeat.start();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(3_000);
      heartbeat.received(); // the Pong
    }
    expect(pings).toEqual([1, 2, 3]);
    heartbeat.stop();
  });

  it('declares a silent connection dead after the timeout, once, and stops', () => {
    const { heartbeat, onDead } = setup();
    heartbeat.start();
    vi.advanceTimersByTime(7_999);
    expect(onDead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDead).toHaveBeenCalledTimes(1);
    expect(heartbeat.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('any inbound frame postpones the deadline', () => {
    const { heartbeat, onDead } = setup();
    heartbeat.start();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(5_000);
      heartbeat.received();
    }
    expect(onDead).not.toHaveBeenCalled();
    vi.advanceTimersByTime(8_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('detects death within 10 s of the last frame even when it arrived just after a deadline check', () => {
    const { heartbeat, onDead } = setup();
    heartbeat.start();
    vi.advanceTimersByTime(7_999);
    heartbeat.received();
    vi.advanceTimersByTime(8_000);
    expect(onDead).toHaveBeenCalledTimes(1);
  });

  it('stop clears every timer', () => {
    const { heartbeat, onDead } = setup();
    heartbeat.start();
    expect(vi.getTimerCount()).toBe(2);
    heartbeat.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(onDead).not.toHaveBeenCalled();
  });
});

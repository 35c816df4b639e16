import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatWheel, MAX_HEARTBEAT_SLOTS, QUIET_WAKE_DELAY_MS, type HeartbeatPeer } from './heartbeat.js';

class Peer implements HeartbeatPeer {
  alive = true;
  heartbeatSlot = -1;
  pings = 0;
  /** When each ping went (the clock of the test). */
  readonly pingedAt: number[] = [];
  expired = false;
  constructor(readonly id: number) {}
}

function wheel(periodMs: number, now?: () => number, loopQuiet?: () => boolean) {
  const pingedThisTick: Peer[] = [];
  const expired: Peer[] = [];
  const heartbeat = new HeartbeatWheel<Peer>(
    periodMs,
    {
      ping: (peer) => {
        peer.pings++;
        peer.pingedAt.push(Date.now());
        pingedThisTick.push(peer);
      },
      expire: (peer) => {
        peer.expired = true;
        expired.push(peer);
      },
    },
    now,
    loopQuiet,
  );
  /** Runs one tick and returns the peers it pinged. */
  const tick = (): Peer[] => {
    pingedThisTick.length = 0;
    heartbeat.tick();
    return [...pingedThisTick];
  };
  return { heartbeat, tick, expired };
}

describe('HeartbeatWheel', () => {
  it('pings every peer exactly once per period, and no tick pings more than its share of them', () => {
    const { heartbeat, tick } = wheel(30_000);
    expect(heartbeat.slotCount).toBe(MAX_HEARTBEAT_SLOTS);
    expect(heartbeat.tickMs).toBe(20);
    // All at once, as after a restart when every client reconnects in the same second.
    const peers = Array.from({ length: 10_000 }, (_, id) => new Peer(id));
    for (const peer of peers) heartbeat.add(peer);
    const share = Math.ceil(peers.length / heartbeat.slotCount);
    for (let period = 0; period < 2; period++) {
      for (let t = 0; t < heartbeat.slotCount; t++) {
        const pinged = tick();
        expect(pinged.length).toBeLessThanOrEqual(share);
        // A pong (or any message) before the peer's next slot keeps it alive.
        for (const peer of pinged) peer.alive = true;
      }
      for (const peer of peers) expect(peer.pings).toBe(period + 1);
    }
  });

  it('keeps the share bounded when connections come and go', () => {
    const { heartbeat, tick } = wheel(1_000);
    const live = new Set<Peer>();
    let next = 0;
    for (let round = 0; round < 30; round++) {
      // Connections arrive in bursts (a reconnect wave) and the oldest leave.
      for (let i = 0; i < 200; i++) {
        const peer = new Peer(next++);
        live.add(peer);
        heartbeat.add(peer);
      }
      for (const peer of [...live].slice(0, 80)) {
        live.delete(peer);
        heartbeat.delete(peer);
      }
      for (let t = 0; t < 10; t++) {
        const pinged = tick();
        for (const peer of pinged) peer.alive = true;
        expect(pinged.length).toBeLessThanOrEqual(Math.ceil(live.size / heartbeat.slotCount) + 1);
      }
    }
    expect(heartbeat.size).toBe(live.size);
  });

  it('adds each peer to a least-filled slot, whatever the adds, deletes and expiries before it', () => {
    const { heartbeat, tick } = wheel(1_000);
    const sizes = new Array<number>(heartbeat.slotCount).fill(0);
    const live: Peer[] = [];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 5_000; step++) {
      const choice = random(10);
      if (choice < 6 || live.length === 0) {
        const peer = new Peer(step);
        const least = Math.min(...sizes);
        heartbeat.add(peer);
        expect(sizes[peer.heartbeatSlot]).toBe(least);
        sizes[peer.heartbeatSlot]!++;
        live.push(peer);
      } else if (choice < 9) {
        const [peer] = live.splice(random(live.length), 1);
        sizes[peer!.heartbeatSlot]!--;
        heartbeat.delete(peer!);
      } else {
        // A tick expires the silent peers of its slot.
        const slotOf = new Map(live.map((peer) => [peer, peer.heartbeatSlot]));
        tick();
        for (let i = live.length - 1; i >= 0; i--) {
          const peer = live[i]!;
          if (!peer.expired) continue;
          sizes[slotOf.get(peer)!]!--;
          live.splice(i, 1);
        }
        for (const peer of live) if (random(4) > 0) peer.alive = true;
      }
    }
    expect(heartbeat.size).toBe(live.length);
  });

  it('expires a peer that showed no life since its previous ping, at its own slot, and only that one', () => {
    const { heartbeat, tick, expired } = wheel(1_000);
    const peers = Array.from({ length: 100 }, (_, id) => new Peer(id));
    for (const peer of peers) heartbeat.add(peer);
    const silent = peers[42]!;
    for (let t = 0; t < 2 * heartbeat.slotCount; t++) {
      for (const peer of tick()) if (peer !== silent) peer.alive = true;
    }
    expect(expired).toEqual([silent]);
    expect(silent.pings).toBe(1);
    expect(heartbeat.size).toBe(99);
  });

  it('uses fewer slots for short periods, ticking no closer than 20 ms', () => {
    expect(wheel(200).heartbeat.slotCount).toBe(10);
    expect(wheel(10).heartbeat.slotCount).toBe(1);
    expect(() => wheel(0)).toThrow(RangeError);
  });

  describe('on its own timer', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    /** Moves the fake clock by `ms` one tick at a time, the peers answering every ping. */
    function runFor(ms: number, tickMs: number, peers: Peer[]): void {
      for (let passed = 0; passed < ms; passed += tickMs) {
        vi.advanceTimersByTime(tickMs);
        for (const peer of peers) peer.alive = true;
      }
    }

    it('sleeps while it holds no connection, and wakes only for the slots that hold one', () => {
      vi.useFakeTimers();
      const { heartbeat } = wheel(1_000, () => Date.now());
      expect(heartbeat.slotCount).toBe(50);
      const stop = heartbeat.start('heartbeat');
      expect(vi.getTimerCount()).toBe(0);
      const peers = [new Peer(1), new Peer(2), new Peer(3)];
      for (const peer of peers) heartbeat.add(peer);
      expect(vi.getTimerCount()).toBe(1);
      const timers = vi.spyOn(globalThis, 'setTimeout');
      runFor(10_000, heartbeat.tickMs, peers);
      for (const peer of peers) expect(peer.pings).toBe(10);
      // A wake per connection per period, not one per slot (50 per period).
      expect(timers.mock.calls.length).toBeLessThanOrEqual(3 * 10);
      timers.mockRestore();
      // The last connection gone, no timer is left waiting for its slot.
      for (const peer of peers) heartbeat.delete(peer);
      expect(vi.getTimerCount()).toBe(0);
      stop();
    });

    it('pings a connection added while it slept one period later, and stops when told', () => {
      vi.useFakeTimers();
      const { heartbeat } = wheel(1_000, () => Date.now());
      const stop = heartbeat.start('heartbeat');
      vi.advanceTimersByTime(5_000);
      const peer = new Peer(1);
      heartbeat.add(peer);
      vi.advanceTimersByTime(1_000 - heartbeat.tickMs - 1);
      expect(peer.pings).toBe(0);
      vi.advanceTimersByTime(2 * heartbeat.tickMs);
      expect(peer.pings).toBe(1);
      stop();
      expect(vi.getTimerCount()).toBe(0);
      peer.alive = true;
      vi.advanceTimersByTime(5_000);
      expect(peer.pings).toBe(1);
    });

    it('while the loop is quiet, wakes once for several slots falling due, delaying no ping by more than the limit', () => {
      for (const quiet of [false, true]) {
        vi.useFakeTimers();
        const { heartbeat } = wheel(30_000, () => Date.now(), () => quiet);
        const stop = heartbeat.start('heartbeat');
        const peers = Array.from({ length: 10_000 }, (_, id) => new Peer(id));
        for (const peer of peers) heartbeat.add(peer);
        const timers = vi.spyOn(globalThis, 'setTimeout');
        // Two periods, and the delay the last slot's wake may wait for.
        runFor(2 * 30_000 + QUIET_WAKE_DELAY_MS, heartbeat.tickMs, peers);
        const wakes = timers.mock.calls.length;
        timers.mockRestore();
        // Under load, one wake per 20 ms slot (6 or 7 connections each): 1,500 a period.
        if (quiet) expect(wakes).toBeLessThanOrEqual(heartbeat.slotCount / 4);
        else expect(wakes).toBeGreaterThanOrEqual(2 * heartbeat.slotCount);
        for (const peer of peers) {
          expect(peer.pings).toBeGreaterThanOrEqual(2);
          // A ping may be late by up to the delay (and the step of the fake clock), not more.
          for (let i = 1; i < peer.pingedAt.length; i++) {
            expect(Math.abs(peer.pingedAt[i]! - peer.pingedAt[i - 1]! - 30_000)).toBeLessThanOrEqual(QUIET_WAKE_DELAY_MS + heartbeat.tickMs);
          }
        }
        stop();
        vi.useRealTimers();
      }
    });

    it('handles every slot that fell due while the event loop was blocked, in one wake', () => {
      vi.useFakeTimers();
      const { heartbeat } = wheel(1_000, () => Date.now());
      const stop = heartbeat.start('heartbeat');
      const peers = Array.from({ length: 100 }, (_, id) => new Peer(id));
      for (const peer of peers) heartbeat.add(peer);
      // The clock moves a whole period without any timer running (a blocked loop), then the timer fires once.
      vi.setSystemTime(Date.now() + 1_000);
      vi.advanceTimersToNextTimer();
      for (const peer of peers) expect(peer.pings).toBe(1);
      stop();
    });
  });
});

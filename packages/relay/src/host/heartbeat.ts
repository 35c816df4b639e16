/**
 * The WebSocket heartbeat, spread over its period: every connection is pinged once per period on its own schedule, a
 * few per tick, instead of all of them in one synchronous loop. Pinging 10,000 sockets in one loop blocked the event
 * loop for about 100 ms and brought 10,000 pongs back at once, which every update relayed at that moment waited for.
 *
 * The period is cut into slots, one tick apart; a new connection joins the slot holding the fewest connections, so no
 * tick handles more than about `connections / slots + 1` of them however the connections arrived.
 */

/** What the heartbeat does to one connection at its slot's tick. */
export interface HeartbeatPeer {
  /** Set by any sign of life (a message or a pong), cleared by each ping. */
  alive: boolean;
  /** The wheel's slot holding this peer, -1 when in none (kept on the peer: a map beside it would cost an entry each). */
  heartbeatSlot: number;
}

export interface HeartbeatActions<T extends HeartbeatPeer> {
  ping(peer: T): void;
  /** The peer showed no life since its previous ping. */
  expire(peer: T): void;
}

import { timed, type PauseCause } from '../engine/pauses.js';

/** Ticks per period at most: 100 ms apart at the default 30 s period. */
export const MAX_HEARTBEAT_SLOTS = 300;
/** Ticks closer than this would wake the relay for nothing: short periods get fewer slots. */
const MIN_TICK_MS = 20;

export class HeartbeatWheel<T extends HeartbeatPeer> {
  readonly #slots: Set<T>[];
  #size = 0;
  /** The slot the next tick handles. */
  #cursor = 0;

  constructor(
    readonly periodMs: number,
    private readonly actions: HeartbeatActions<T>,
  ) {
    if (!(periodMs > 0)) throw new RangeError('heartbeat period must be > 0');
    const slots = Math.max(1, Math.min(MAX_HEARTBEAT_SLOTS, Math.floor(periodMs / MIN_TICK_MS)));
    this.#slots = Array.from({ length: slots }, () => new Set<T>());
  }

  /** Milliseconds between ticks: the period divided by the number of slots. */
  get tickMs(): number {
    return this.periodMs / this.#slots.length;
  }

  get slotCount(): number {
    return this.#slots.length;
  }

  /**
   * Adds a peer to the least-filled slot (searched from the one just handled, so a peer added now waits close to a
   * full period for its first ping when slots are even).
   */
  add(peer: T): void {
    if (peer.heartbeatSlot !== -1) return;
    const count = this.#slots.length;
    const start = (this.#cursor + count - 1) % count;
    let best = start;
    for (let i = 1; i < count; i++) {
      const slot = (start + count - i) % count;
      if (this.#slots[slot]!.size < this.#slots[best]!.size) best = slot;
    }
    this.#slots[best]!.add(peer);
    peer.heartbeatSlot = best;
    this.#size++;
  }

  delete(peer: T): void {
    if (peer.heartbeatSlot === -1) return;
    this.#slots[peer.heartbeatSlot]!.delete(peer);
    peer.heartbeatSlot = -1;
    this.#size--;
  }

  get size(): number {
    return this.#size;
  }

  /** Handles one slot: pings each of its peers that showed life since its previous ping, expires the others. */
  tick(): void {
    const slot = this.#slots[this.#cursor]!;
    this.#cursor = (this.#cursor + 1) % this.#slots.length;
    // Deleting the current entry while iterating a Set is safe: iteration goes on with the next one.
    for (const peer of slot) {
      if (!peer.alive) {
        this.delete(peer);
        this.actions.expire(peer);
        continue;
      }
      peer.alive = false;
      this.actions.ping(peer);
    }
  }

  /**
   * Runs `tick()` every `tickMs` (as work of `cause` for the event-loop pause metrics) until the returned function is
   * called; the timer does not keep the process alive.
   */
  start(cause: PauseCause): () => void {
    const timer = setInterval(() => timed(cause, () => this.tick()), this.tickMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

/**
 * The WebSocket heartbeat, spread over its period: every connection is pinged once per period on its own schedule, a
 * few per tick, instead of all of them in one synchronous loop. Pinging 10,000 sockets in one loop blocked the event
 * loop for about 100 ms and brought 10,000 pongs back at once, which every update relayed at that moment waited for.
 *
 * The period is cut into slots, one tick apart; a new connection joins a slot holding the fewest connections, so no
 * tick handles more than about `connections / slots + 1` of them however the connections arrived. The timer is set for
 * the next slot that holds a connection, so a relay with few connections wakes a few times per period, not every tick.
 *
 * While the event loop is quiet (QUIET_UTILIZATION), a wake-up waits for more slots to fall due (QUIET_PINGS_PER_WAKE
 * connections, at most QUIET_WAKE_DELAY_MS after the first): each wake-up of a quiet process costs CPU of its own, and
 * a quiet relay with 10,000 connections, waking every 20 ms for a few pings and again for their pongs, spent two to
 * three times the CPU of relays that ping in bursts. Under load the loop is awake anyway, and each tick stays small.
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

import { performance } from 'node:perf_hooks';
import { LoopUtilization } from '../engine/loop-utilization.js';
import { timed, type PauseCause } from '../engine/pauses.js';

/**
 * Ticks per period at most: 20 ms apart at the default 30 s period. With 19,000 connections a tick pings about 13 of
 * them; at 300 ticks it pinged 63 at once, and those ticks held the event loop for 5-25 ms.
 */
export const MAX_HEARTBEAT_SLOTS = 1500;
/** Ticks closer than this would wake the relay for nothing: short periods get fewer slots. */
const MIN_TICK_MS = 20;
/** Below this share of time working over the latest window of UTILIZATION_WINDOW_MS, the event loop counts as quiet. */
const QUIET_UTILIZATION = 0.05;
/**
 * The window (ms) the loop's utilization is read over. Read between wake-ups 20 ms apart, a loaded relay's utilization
 * fell below the threshold now and then, and the bursts of pings and pongs it then sent raised the latency of the
 * updates relayed meanwhile.
 */
const UTILIZATION_WINDOW_MS = 1_000;
/** While quiet, a wake-up waits for this many connections to fall due... */
export const QUIET_PINGS_PER_WAKE = 64;
/** ...but the first of them waits no longer than this (a ping this late changes nothing for a 30 s period). */
export const QUIET_WAKE_DELAY_MS = 1_000;

export class HeartbeatWheel<T extends HeartbeatPeer> {
  readonly #slots: Set<T>[];
  #size = 0;
  /** The slot the next tick handles. */
  #cursor = 0;
  /** Where the last peer was added: the search for a least-filled slot resumes there, so an add costs O(1) on average. */
  #fill = -1;
  /** At most the size of the least-filled slot (raised when a search finds every slot fuller). */
  #minSize = 0;
  /** When the slot under the cursor is due (meaningful while the timer runs). */
  #cursorDue = 0;
  #timer: NodeJS.Timeout | null = null;
  /** When the armed timer fires. */
  #timerDue = Number.POSITIVE_INFINITY;
  #running = false;
  #cause: PauseCause = 'heartbeat';
  readonly #utilization = new LoopUtilization(UTILIZATION_WINDOW_MS);

  constructor(
    readonly periodMs: number,
    private readonly actions: HeartbeatActions<T>,
    /** Milliseconds on a monotonic clock (tests pass a fake one). */
    private readonly now: () => number = () => performance.now(),
    /** Whether the event loop is quiet now (tests pass a fixed answer). */
    private readonly loopQuiet: () => boolean = () => (this.#utilization.latest() ?? 1) < QUIET_UTILIZATION,
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
   * Adds a peer to a least-filled slot: the search goes backwards from where the previous peer went (at first, from
   * the slot just handled) and stops at the first slot no fuller than the least-filled one, so a burst of connections
   * fills the slots one after the other without scanning them all for each.
   */
  add(peer: T): void {
    if (peer.heartbeatSlot !== -1) return;
    const slots = this.#slots;
    const count = slots.length;
    let index = this.#fill === -1 ? (this.#cursor + count - 1) % count : this.#fill;
    let best = index;
    let found = false;
    for (let i = 0; i < count; i++) {
      const size = slots[index]!.size;
      if (size <= this.#minSize) {
        found = true;
        break;
      }
      if (size < slots[best]!.size) best = index;
      index = (index + count - 1) % count;
    }
    if (!found) {
      index = best;
      this.#minSize = slots[best]!.size;
    }
    slots[index]!.add(peer);
    peer.heartbeatSlot = index;
    this.#fill = index;
    this.#size++;
    if (!this.#running) return;
    const now = this.now();
    if (this.#timer === null) {
      // Asleep: the schedule restarts now, the slot under the cursor due one tick from now.
      this.#cursorDue = now + this.tickMs;
      this.#arm(now);
    } else if (this.#dueOf(index) < this.#timerDue) this.#arm(now);
  }

  delete(peer: T): void {
    const index = peer.heartbeatSlot;
    if (index === -1) return;
    const slot = this.#slots[index]!;
    slot.delete(peer);
    peer.heartbeatSlot = -1;
    this.#size--;
    // The slot may now be the least filled: the next add starts there.
    if (slot.size <= this.#minSize) {
      this.#minSize = slot.size;
      this.#fill = index;
    }
    if (this.#size === 0) this.#disarm();
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
   * Runs the ticks on schedule (as work of `cause` for the event-loop pause metrics) until the returned function is
   * called. The wheel sleeps through slots that hold no connection and while it holds none: ticking every 20 ms whether
   * or not a slot held a connection woke an idle relay 50 times a second.
   *
   * Its timer keeps the process alive, which the connections it holds (sockets) do anyway, and there is none while it
   * holds no connection. An unreferenced timer would cost memory: each connection added re-arms it for an earlier
   * slot, and Node keeps the list of a cancelled unreferenced timer of each distinct duration (expecting another timer
   * of that duration soon) until that duration has passed, up to one period: hundreds of empty lists while clients
   * connect, each a wake-up of the event loop when its time came.
   */
  start(cause: PauseCause): () => void {
    this.#cause = cause;
    this.#running = true;
    if (this.#size > 0) this.#arm(this.now());
    return () => {
      this.#running = false;
      this.#disarm();
    };
  }

  /** The due time of `slot` on the current schedule. */
  #dueOf(slot: number): number {
    const count = this.#slots.length;
    return this.#cursorDue + ((slot - this.#cursor + count) % count) * this.tickMs;
  }

  /**
   * Sets the timer for the first slot from the cursor that holds a connection (while the loop is quiet, for a later one
   * within QUIET_WAKE_DELAY_MS of it until QUIET_PINGS_PER_WAKE connections are due); none while the wheel is empty.
   */
  #arm(now: number): void {
    this.#disarm();
    if (!this.#running || this.#size === 0) return;
    if (this.#cursorDue < now - this.periodMs) this.#cursorDue = now; // asleep for longer than a period: start afresh
    const slots = this.#slots;
    let slot = this.#cursor;
    while (slots[slot]!.size === 0) slot = (slot + 1) % slots.length;
    const first = this.#dueOf(slot);
    let due = first;
    if (this.loopQuiet()) {
      let pings = slots[slot]!.size;
      for (let next = (slot + 1) % slots.length; pings < QUIET_PINGS_PER_WAKE && next !== this.#cursor; next = (next + 1) % slots.length) {
        const nextDue = this.#dueOf(next);
        if (nextDue > first + QUIET_WAKE_DELAY_MS) break;
        if (slots[next]!.size === 0) continue;
        due = nextDue;
        pings += slots[next]!.size;
      }
    }
    this.#timerDue = due;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, due - now));
  }


  #disarm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerDue = Number.POSITIVE_INFINITY;
  }

  /** Handles every slot due by now (a late timer catches up, at most one period's worth), then sleeps until the next. */
  #fire(): void {
    this.#timer = null;
    const now = this.now();
    timed(this.#cause, () => {
      for (let handled = 0; handled < this.#slots.length && this.#cursorDue <= now; handled++) {
        this.tick();
        this.#cursorDue += this.tickMs;
      }
    });
    this.#arm(now);
  }
}

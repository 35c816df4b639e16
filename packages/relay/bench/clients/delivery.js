// @ts-check
// Send and receipt times of every edit, keyed by (client, clock). Clients and log live in one process, so one clock
// serves both ends. Receipt is read from the update's metadata rather than from a Y.Doc, which copes with relays
// that merge many edits into one message (Hocuspocus) and keeps the receiving side cheap.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';

export class DeliveryLog {
  /**
   * @param {number} editsPerClient
   * @param {number} receivers how many clients receive each edit
   * @param {boolean} [deletions] edits are deletions (the `delete` shape): an edit is recognised by the clock of the
   *   character it deleted, in the update's delete set, and the structs an update carries (the seeded text) are not edits
   */
  constructor(editsPerClient, receivers, deletions = false) {
    this.deletions = deletions;
    this.editsPerClient = editsPerClient;
    this.receivers = receivers;
    /** @type {Map<number, Uint8Array>} per sender and clock, how many receivers have the edit */
    this.receipts = new Map();
    /** @type {Map<number, () => void>} called whenever one of the sender's edits has reached every receiver */
    this.onEverywhere = new Map();
    /** @type {Map<number, Float64Array>} send time of each clock, per sending client */
    this.sentAt = new Map();
    /** @type {WeakMap<object, Map<number, Uint8Array>>} clocks already seen, per receiver and sender */
    this.seen = new WeakMap();
    /** @type {WeakMap<object, number>} */
    this.deliveredTo = new WeakMap();
    /** @type {number[]} milliseconds from send to receipt, one per delivery */
    this.latencies = [];
    this.delivered = 0;
  }

  /** @param {number} clientID */
  register(clientID) {
    this.sentAt.set(clientID, new Float64Array(this.editsPerClient).fill(NaN));
    this.receipts.set(clientID, new Uint8Array(this.editsPerClient));
  }

  /**
   * @param {number} clientID
   * @param {number} from first clock of the update
   * @param {number} to clock after the update
   */
  sent(clientID, from, to) {
    const times = this.sentAt.get(clientID);
    if (times === undefined) return;
    const now = performance.now();
    for (let clock = from; clock < to && clock < times.length; clock++) times[clock] = now;
  }

  /**
   * @param {{ clientID: number }} receiver
   * @param {Uint8Array} update
   */
  received(receiver, update) {
    const now = performance.now();
    let seenBySender = this.seen.get(receiver);
    if (seenBySender === undefined) this.seen.set(receiver, (seenBySender = /** @type {Map<number, Uint8Array>} */ (new Map())));
    let count = this.deliveredTo.get(receiver) ?? 0;
    /** @type {Iterable<[number, number, number]>} sender, first clock, clock after */
    const ranges = this.deletions
      ? [...Y.decodeUpdate(update).ds.clients].flatMap(([sender, items]) => items.map((item) => /** @type {[number, number, number]} */ ([sender, item.clock, item.clock + item.len])))
      : metaRanges(Y.parseUpdateMeta(update));
    for (const [sender, from, to] of ranges) {
      const times = this.sentAt.get(sender);
      if (times === undefined || sender === receiver.clientID) continue;
      let seen = seenBySender.get(sender);
      if (seen === undefined) seenBySender.set(sender, (seen = new Uint8Array(times.length)));
      for (let clock = from; clock < to && clock < times.length; clock++) {
        if (seen[clock] === 1) continue;
        seen[clock] = 1;
        count++;
        this.delivered++;
        const receipts = /** @type {Uint8Array} */ (this.receipts.get(sender));
        const holders = (receipts[clock] ?? 0) + 1;
        receipts[clock] = holders;
        if (holders === this.receivers) this.onEverywhere.get(sender)?.();
        const sentAt = times[clock] ?? NaN;
        if (!Number.isNaN(sentAt)) this.latencies.push(now - sentAt);
      }
    }
    this.deliveredTo.set(receiver, count);
  }

  /** @param {object} receiver */
  deliveredCount(receiver) {
    return this.deliveredTo.get(receiver) ?? 0;
  }
}

/**
 * @param {{ from: Map<number, number>, to: Map<number, number> }} meta
 * @returns {[number, number, number][]} sender, first clock, clock after
 */
function metaRanges(meta) {
  return [...meta.to].map(([sender, to]) => [sender, meta.from.get(sender) ?? 0, to]);
}

// What the update log computes about a full merge and its tail: the merge's facts read once (state vector, highest
// clocks, gaps, delete set), and state vectors extended by further structs.
import * as Y from 'yjs';
import type { ClockTable } from './clock-table.js';
import type { DecodedUpdate } from './update-screen.js';

/**
 * A full merge and what catch-ups ask of it, each read once: reading any of them walks every struct of the document.
 */
export class MergedUpdate {
  #stateVector: Uint8Array | null = null;
  #decodedStateVector: Map<number, number> | null = null;
  #to: Map<number, number> | null = null;
  #gapFree: boolean | null = null;
  #deletions: Uint8Array | null = null;

  constructor(readonly update: Uint8Array) {}

  stateVector(): Uint8Array {
    return (this.#stateVector ??= Y.encodeStateVectorFromUpdate(this.update));
  }

  decodedStateVector(): Map<number, number> {
    return (this.#decodedStateVector ??= Y.decodeStateVector(this.stateVector()));
  }

  /** The highest clock of every client. */
  to(): Map<number, number> {
    return (this.#to ??= Y.parseUpdateMeta(this.update).to);
  }

  /**
   * Whether every client's structs run from clock 0 to its highest without a gap (a struct waiting for one the log
   * lacks). Only then does the state vector follow from the base's and a tail's structs alone.
   */
  gapFree(): boolean {
    if (this.#gapFree === null) {
      const stateVector = this.decodedStateVector();
      this.#gapFree = [...this.to()].every(([client, clock]) => stateVector.get(client) === clock);
    }
    return this.#gapFree;
  }

  /** What a client holding every struct up to `to` still lacks: the delete set alone. */
  deletions(): Uint8Array {
    return (this.#deletions ??= Y.diffUpdate(this.update, Y.encodeStateVector(this.to())));
  }
}

/**
 * `stateVector` (a gap-free document's) extended by the structs of `tail`: a client's clock advances over every struct
 * that starts at or before it, in clock order, as `Y.encodeStateVectorFromUpdate` counts the two merged. Skips (gaps
 * inside the tail) advance nothing; a struct past the clock is a gap that stops that client.
 */
export function extendStateVector(stateVector: ReadonlyMap<number, number>, tail: Uint8Array): Map<number, number> {
  const extended = new Map(stateVector);
  let client = -1;
  let stopped = false;
  for (const struct of Y.decodeUpdate(tail).structs) {
    if (struct.id.client !== client) {
      client = struct.id.client;
      stopped = false;
    }
    if (stopped || struct instanceof Y.Skip) continue;
    const clock = extended.get(client) ?? 0;
    if (struct.id.clock > clock) stopped = true;
    else extended.set(client, Math.max(clock, struct.id.clock + struct.length));
  }
  return extended;
}

/**
 * Extends `clocks` by the structs of one update, in place, if each of them starts at or before its client's clock
 * (false, leaving `clocks` partly extended, when one does not: a gap, which a later update may fill).
 */
export function extendWithoutGap(clocks: ClockTable, structs: DecodedUpdate['structs']): boolean {
  for (const struct of structs) {
    if (struct instanceof Y.Skip) return false;
    const clock = clocks.get(struct.id.client) ?? 0;
    if (struct.id.clock > clock) return false;
    clocks.set(struct.id.client, Math.max(clock, struct.id.clock + struct.length));
  }
  return true;
}

/** Whether a client at `held` holds every struct up to `to` (so a diff would carry no struct). */
export function covers(held: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of to) if ((held.get(client) ?? 0) < clock) return false;
  return true;
}

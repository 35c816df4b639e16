import * as Y from 'yjs';

/** What the update screen reads of a room's clocks. */
export interface ClockReader {
  get(client: number): number | undefined;
}

/**
 * Per Yjs client id, the next clock a room lacks. Every room that receives writes keeps one, and most task documents
 * are written by one client at a time: that one is held in two fields (a Map costs over 200 bytes); a Map from the
 * second client on.
 */
export class ClockTable implements ClockReader {
  #client = Number.NaN;
  #clock = 0;
  #map: Map<number, number> | null = null;

  /** From a state vector (encoded, or decoded); empty without one. */
  constructor(stateVector?: Uint8Array | ReadonlyMap<number, number>) {
    if (stateVector !== undefined) this.reset(stateVector);
  }

  get(client: number): number | undefined {
    if (this.#map !== null) return this.#map.get(client);
    return client === this.#client ? this.#clock : undefined;
  }

  set(client: number, clock: number): void {
    if (this.#map !== null) this.#map.set(client, clock);
    else if (client === this.#client || Number.isNaN(this.#client)) {
      this.#client = client;
      this.#clock = clock;
    } else {
      this.#map = new Map([
        [this.#client, this.#clock],
        [client, clock],
      ]);
    }
  }

  /** Replaces every clock with those of `stateVector` (after a failed write, which the clocks had counted). */
  reset(stateVector: Uint8Array | ReadonlyMap<number, number>): void {
    this.#client = Number.NaN;
    this.#clock = 0;
    this.#map = null;
    for (const [client, clock] of stateVector instanceof Uint8Array ? Y.decodeStateVector(stateVector) : stateVector) this.set(client, clock);
  }

  /** Whether `held` reaches every clock of this table (a client with that state vector holds every struct counted). */
  coveredBy(held: ReadonlyMap<number, number>): boolean {
    if (this.#map === null) return Number.isNaN(this.#client) || (held.get(this.#client) ?? 0) >= this.#clock;
    for (const [client, clock] of this.#map) if ((held.get(client) ?? 0) < clock) return false;
    return true;
  }

  /** The clocks as a state vector. */
  encode(): Uint8Array {
    if (this.#map !== null) return Y.encodeStateVector(this.#map);
    return Y.encodeStateVector(Number.isNaN(this.#client) ? new Map() : new Map([[this.#client, this.#clock]]));
  }
}

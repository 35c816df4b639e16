import * as Y from 'yjs';

/** Per Yjs client id, the next clock (as in a decoded state vector). */
export type Clocks = Map<number, number>;

interface Entry {
  /** What the relay is known to hold durably. Only ever rises. */
  readonly confirmed: Clocks;
  /** Update frames sent on the current connection and not yet acknowledged (or refused). */
  inFlight: number;
  pending: boolean;
}

/**
 * Bookkeeping of what the relay durably holds, per document, and of which documents have local changes it does not.
 *
 * A document is pending when its local state vector exceeds the confirmed clocks, or while an update sent for it is
 * unacknowledged. The second clause covers deletions: Yjs records them in the delete set without advancing any clock,
 * so a state vector alone cannot tell that a deletion is still on its way. (Across a reload only the state vector
 * survives here; a list keeps its own ledger of deletions made on the device. The catch-up on reconnect re-sends an
 * unsent deletion either way.)
 *
 * The pending count is kept incrementally: callers re-evaluate one document when it or its confirmed clocks change.
 */
export class ConfirmedClocks {
  readonly #entries = new Map<string, Entry>();
  readonly #withInFlight = new Set<string>();
  #pendingCount = 0;

  /** Documents with changes the relay has not confirmed. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  isPending(name: string): boolean {
    return this.#entries.get(name)?.pending ?? false;
  }

  /** Starts tracking; `confirmed` is an encoded state vector as persisted earlier (undecodable bytes count as none). */
  track(name: string, confirmed?: Uint8Array): void {
    if (this.#entries.has(name)) return;
    this.#entries.set(name, { confirmed: decodeClocks(confirmed), inFlight: 0, pending: false });
  }

  untrack(name: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) return;
    if (entry.pending) this.#pendingCount--;
    this.#withInFlight.delete(name);
    this.#entries.delete(name);
  }

  /** The confirmed clocks, encoded like `Y.encodeStateVector`. */
  encoded(name: string): Uint8Array | undefined {
    const entry = this.#entries.get(name);
    return entry === undefined ? undefined : Y.encodeStateVector(entry.confirmed);
  }

  /** Raises the confirmed clocks to at least `clocks`; returns whether any rose. Call `evaluate` afterwards. */
  raise(name: string, clocks: Clocks): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    let rose = false;
    for (const [client, clock] of clocks) {
      if (clock > (entry.confirmed.get(client) ?? 0)) {
        entry.confirmed.set(client, clock);
        rose = true;
      }
    }
    return rose;
  }

  /** An update frame for the document went out. */
  sent(name: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined) return;
    entry.inFlight++;
    this.#withInFlight.add(name);
  }

  /** The relay acknowledged or refused one update frame of the document. */
  settled(name: string): void {
    const entry = this.#entries.get(name);
    if (entry === undefined || entry.inFlight === 0) return;
    entry.inFlight--;
    if (entry.inFlight === 0) this.#withInFlight.delete(name);
  }

  /**
   * The connection ended: nothing more will be acknowledged for frames sent on it. Returns the documents whose
   * in-flight count was cleared, so the caller can re-evaluate just those.
   */
  clearInFlight(): string[] {
    const names = [...this.#withInFlight];
    for (const name of names) {
      const entry = this.#entries.get(name);
      if (entry !== undefined) entry.inFlight = 0;
    }
    this.#withInFlight.clear();
    return names;
  }

  /** Re-derives whether the document is pending from its current state; returns whether that changed. */
  evaluate(name: string, doc: Y.Doc): boolean {
    const entry = this.#entries.get(name);
    if (entry === undefined) return false;
    const pending = entry.inFlight > 0 || isAhead(doc, entry.confirmed);
    if (pending === entry.pending) return false;
    entry.pending = pending;
    this.#pendingCount += pending ? 1 : -1;
    return true;
  }
}

/** Whether the document holds a clock beyond `clocks`. O(clients of the document), no encoding. */
export function isAhead(doc: Y.Doc, clocks: Clocks): boolean {
  for (const client of doc.store.clients.keys()) {
    if (Y.getState(doc.store, client) > (clocks.get(client) ?? 0)) return true;
  }
  return false;
}

export function decodeClocks(stateVector: Uint8Array | undefined): Clocks {
  if (stateVector === undefined || stateVector.byteLength === 0) return new Map();
  try {
    return Y.decodeStateVector(stateVector);
  } catch {
    return new Map();
  }
}

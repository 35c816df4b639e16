import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * The latest awareness state per awareness clientID of one room, in y-protocols' awareness wire format:
 *   varUint count, then per entry: varUint clientID, varUint clock, varString JSON state (`null` = removed).
 *
 * Hand-written because y-protocols' `Awareness` needs a Y.Doc and runs a timer per instance. Same acceptance rule as
 * y-protocols: an entry wins if its clock is newer, or equal with a null state (a removal). Only accepted entries are
 * forwarded, which also stops the echo loop of clients re-broadcasting states they received.
 */
export interface AwarenessEntry {
  readonly clientID: number;
  readonly clock: number;
  /** JSON text of the state; `'null'` for a removed client. */
  readonly state: string;
}

interface StoredEntry {
  clock: number;
  state: string | null;
  /** The connection that introduced this client's state: its removal is broadcast when that connection leaves. */
  owner: object | null;
}

export class AwarenessFormatError extends Error {}

/** A well-formed awareness update that breaks a limit: a state too large, or too many states for one connection. */
export class AwarenessLimitError extends Error {
  constructor(readonly reason: 'state_too_large' | 'too_many_states') {
    super(reason);
  }
}

export interface AwarenessLimits {
  /** Largest JSON state accepted, in UTF-8 bytes. */
  readonly maxStateBytes: number;
  /** Live states one connection may introduce into one document. */
  readonly maxStatesPerOwner: number;
}

export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    if (count > update.byteLength) throw new AwarenessFormatError('count exceeds length');
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const length = decoding.readVarUint(decoder);
      if (decoder.pos + length > update.byteLength) throw new AwarenessFormatError('truncated state');
      const state = new TextDecoder('utf-8', { fatal: true }).decode(decoding.readUint8Array(decoder, length));
      JSON.parse(state); // receivers JSON.parse it: refuse what would throw there
      entries.push({ clientID, clock, state });
    }
    if (decoder.pos !== update.byteLength) throw new AwarenessFormatError('trailing bytes');
    return entries;
  } catch (error) {
    if (error instanceof AwarenessFormatError) throw error;
    throw new AwarenessFormatError(error instanceof Error ? error.message : String(error));
  }
}

export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientID);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state);
  }
  return encoding.toUint8Array(encoder);
}

const isNull = (state: string): boolean => state.trim() === 'null';

export class AwarenessStates {
  // Created on first use: most rooms (task documents) never see awareness, and an empty Map costs a few hundred bytes.
  #map: Map<number, StoredEntry> | null = null;

  get #entries(): Map<number, StoredEntry> {
    return (this.#map ??= new Map());
  }

  /**
   * Applies an update from `owner`; returns the accepted entries, encoded, or null when nothing was new. Throws
   * AwarenessFormatError, or AwarenessLimitError (then nothing of the update is applied).
   */
  apply(update: Uint8Array, owner: object, limits: AwarenessLimits | null = null): Uint8Array | null {
    const entries = decodeAwarenessUpdate(update);
    if (limits !== null) this.#checkLimits(entries, owner, limits);
    const accepted: AwarenessEntry[] = [];
    for (const entry of entries) {
      const current = this.#entries.get(entry.clientID);
      const removal = isNull(entry.state);
      const newer = current === undefined || current.clock < entry.clock;
      const removesLive = current !== undefined && current.clock === entry.clock && removal && current.state !== null;
      if (!newer && !removesLive) continue;
      this.#entries.set(entry.clientID, {
        clock: entry.clock,
        state: removal ? null : entry.state,
        owner: removal ? null : (current?.owner ?? owner),
      });
      accepted.push(entry);
    }
    return accepted.length === 0 ? null : encodeAwarenessUpdate(accepted);
  }

  #checkLimits(entries: readonly AwarenessEntry[], owner: object, limits: AwarenessLimits): void {
    const introduced = new Set<number>();
    for (const entry of entries) {
      // The wire length of the state bounds its UTF-8 size from above only for ASCII; measure the bytes.
      if (entry.state.length > limits.maxStateBytes / 3 && Buffer.byteLength(entry.state) > limits.maxStateBytes) {
        throw new AwarenessLimitError('state_too_large');
      }
      const current = this.#map?.get(entry.clientID);
      if (!isNull(entry.state) && (current === undefined || current.state === null || current.owner === null)) introduced.add(entry.clientID);
    }
    if (introduced.size === 0) return;
    let owned = 0;
    for (const [clientID, entry] of this.#map ?? []) if (entry.owner === owner && entry.state !== null && !introduced.has(clientID)) owned++;
    if (owned + introduced.size > limits.maxStatesPerOwner) throw new AwarenessLimitError('too_many_states');
  }

  /** Every live state, for a newcomer; null when there is none. */
  snapshot(): Uint8Array | null {
    if (this.#map === null) return null;
    const live: AwarenessEntry[] = [];
    for (const [clientID, entry] of this.#entries) {
      if (entry.state !== null) live.push({ clientID, clock: entry.clock, state: entry.state });
    }
    return live.length === 0 ? null : encodeAwarenessUpdate(live);
  }

  /** Removes the live states `owner` introduced: returns their removal (null state, clock + 1), or null if none. */
  removeOwner(owner: object): Uint8Array | null {
    if (this.#map === null) return null;
    const removed: AwarenessEntry[] = [];
    for (const [clientID, entry] of this.#entries) {
      if (entry.owner !== owner || entry.state === null) continue;
      entry.clock += 1;
      entry.state = null;
      entry.owner = null;
      removed.push({ clientID, clock: entry.clock, state: 'null' });
    }
    return removed.length === 0 ? null : encodeAwarenessUpdate(removed);
  }
}

import * as Y from 'yjs';
import type { ClockReader } from './clock-table.js';

/**
 * The relay's check that an update applies cleanly to the document as the relay holds it, without a `Y.Doc`: the
 * update's own structure, read against the room's clocks (the next clock the room lacks, per Yjs client id).
 *
 * `Y.decodeUpdate` accepts many updates that then throw inside `Y.applyUpdate` at every receiver. Yjs throws on:
 * - a delete-set range of length zero (when it writes the transaction's delete set at the end);
 * - a struct of length zero (two structs then claim one clock);
 * - a reference (origin, right origin or parent) to the struct's own client at or past the struct's own clock: Yjs
 *   treats references to its own client as present and fails to find them;
 * - a client whose structs appear in two blocks of one update (Yjs keeps the last block only, `Y.mergeUpdates` both,
 *   so the stored merge and the applied update would disagree). Two blocks of one client next to each other decode as
 *   one run of structs, so the blocks the update's header counts are checked against the runs decoded; a block without
 *   structs (Yjs never writes one) is refused the same way, as the later of two blocks it would drop the earlier's.
 * Those are refused. Updates that need what the room lacks (structs that start past the room's clock of their client,
 * references to clocks the room and the update lack, deletions of clocks nobody wrote yet) do not throw: every receiver
 * would park them as pending and integrate them once the gap is filled, which lets a writer reserve another person's
 * next clocks. They are held back by the engine until the room holds what they need.
 *
 * Structs that repeat clocks the room holds are not refused (a writer re-sends what it was not told is stored), but the
 * room keeps the content it holds: `repeats` tells the gate to cut them off (see `WriteGate`).
 */
export type CorruptReason = 'empty_delete_range' | 'empty_struct' | 'self_reference' | 'repeated_client';

export type Screening =
  /**
   * `advances`: the clocks the room reaches with this update, for every client it extends; `repeats`: whether a struct
   * starts below the room's clock of its client (it repeats clocks the room holds, with whatever content it carries).
   */
  | { readonly verdict: 'accept'; readonly advances: ReadonlyMap<number, number>; readonly repeats: boolean }
  /**
   * `needs`: per client, the clock the room must reach before the update can apply; `gaps`: the clients whose own
   * structs start past the room's clock (not merely referenced).
   */
  | { readonly verdict: 'hold'; readonly needs: ReadonlyMap<number, number>; readonly gaps: ReadonlySet<number> }
  | { readonly verdict: 'refuse'; readonly reason: CorruptReason };

/** `blocksHideRepeat`: set (only then) when the update's blocks are more than its runs of structs of one client. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate> & { readonly blocksHideRepeat?: true };

/** Decodes the whole update, delete set included; null when Yjs cannot. `update` must be an exact-size buffer. */
export function decodeExact(update: Uint8Array): DecodedUpdate | null {
  if (update.byteLength < 2) return null;
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return null;
  }
  return runsOfClients(decoded.structs) === blockCount(update) ? decoded : { ...decoded, blocksHideRepeat: true };
}

/** The number of client blocks an update's header announces (its first varuint, in Yjs's update format v1). */
function blockCount(update: Uint8Array): number {
  let count = 0;
  for (let at = 0, shift = 0; at < update.byteLength; at++, shift += 7) {
    const byte = update[at] as number;
    count += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return count;
  }
  return count;
}

/** Runs of structs of one client, in decoded order: one per block, unless two blocks of one client are side by side. */
function runsOfClients(structs: DecodedUpdate['structs']): number {
  let runs = 0;
  let client = -1;
  for (const struct of structs) {
    if (struct.id.client !== client) {
      client = struct.id.client;
      runs++;
    }
  }
  return runs;
}

export function screenUpdate(update: DecodedUpdate, clocks: ClockReader): Screening {
  if (update.blocksHideRepeat === true) return refuse('repeated_client');
  const reach = new Map<number, number>();
  // Made only for an update that needs something: almost every update needs nothing.
  let needs: Map<number, number> | null = null;
  let gaps: Set<number> | null = null;
  const need = (client: number, clock: number): void => {
    needs ??= new Map();
    if (clock > (needs.get(client) ?? 0)) needs.set(client, clock);
  };
  // Pass 1: how far each client's structs extend the room's clocks without a gap.
  let client = -1;
  let gap = false;
  let repeats = false;
  for (const struct of update.structs) {
    if (struct.length < 1) return refuse('empty_struct');
    if (struct.id.client !== client) {
      client = struct.id.client;
      if (reach.has(client)) return refuse('repeated_client');
      reach.set(client, clocks.get(client) ?? 0);
      gap = false;
    }
    if (gap || struct instanceof Y.Skip) continue;
    const held = reach.get(client) as number;
    if (struct.id.clock > held) {
      need(client, struct.id.clock);
      (gaps ??= new Set()).add(client);
      gap = true;
    } else {
      if (struct.id.clock < held) repeats = true;
      reach.set(client, Math.max(held, struct.id.clock + struct.length));
    }
  }
  const available = (of: number): number => reach.get(of) ?? clocks.get(of) ?? 0;
  // Pass 2: references. The struct's own client must be strictly earlier; another client's must be held by the room
  // or provided by this update.
  for (const struct of update.structs) {
    if (!(struct instanceof Y.Item)) continue;
    const parent = struct.parent as unknown;
    for (const ref of [struct.origin, struct.rightOrigin, parent instanceof Y.ID ? parent : null]) {
      if (ref === null) continue;
      if (ref.client === struct.id.client) {
        if (ref.clock >= struct.id.clock) return refuse('self_reference');
      } else if (ref.clock >= available(ref.client)) need(ref.client, ref.clock + 1);
    }
  }
  for (const [of, ranges] of update.ds.clients) {
    for (const range of ranges) {
      if (!(range.len >= 1)) return refuse('empty_delete_range');
      if (range.clock + range.len > available(of)) need(of, range.clock + range.len);
    }
  }
  if (needs !== null) return { verdict: 'hold', needs, gaps: gaps ?? new Set() };
  // What the room reaches, less the clients it does not extend (one Map per update, not two).
  for (const [of, clock] of reach) if (clock <= (clocks.get(of) ?? 0)) reach.delete(of);
  return { verdict: 'accept', advances: reach, repeats };
}

function refuse(reason: CorruptReason): Screening {
  return { verdict: 'refuse', reason };
}

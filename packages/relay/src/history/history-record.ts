import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { Checkpoint } from './checkpoint.js';

/**
 * A document's checkpoints in ONE stored record, each encoded against the one before: a document's state vector and
 * delete set only grow, so a checkpoint is its time (delta), the clocks that moved and the deleted ranges that are new
 * (about 15 bytes, where a key and a full snapshot per checkpoint cost about 60). A checkpoint whose delete set lost a
 * range (none should) is stored whole.
 *
 * Layout: varUint 1 (format), varUint n users, n × varString user, varUint m checkpoints, then per checkpoint: varUint
 * time − previous time, varUint k writers, k × varUint user index, varUint 0 (delta) then varUint c, c × (varUint
 * client, varUint clock) moved clocks, varUint r, r × (varUint client, varUint clock, varUint len) new deleted ranges —
 * or varUint 1 (whole) then varUint8Array the snapshot.
 */
export function encodeHistory(checkpoints: readonly Checkpoint[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  const users = [...new Set(checkpoints.flatMap((checkpoint) => checkpoint.by))];
  const userIndex = new Map(users.map((user, i) => [user, i]));
  encoding.writeVarUint(encoder, users.length);
  for (const user of users) encoding.writeVarString(encoder, user);
  encoding.writeVarUint(encoder, checkpoints.length);
  let previousAt = 0;
  let previous: { sv: Map<number, number>; ds: Ranges } = { sv: new Map(), ds: new Map() };
  for (const checkpoint of checkpoints) {
    encoding.writeVarUint(encoder, checkpoint.at - previousAt);
    previousAt = checkpoint.at;
    encoding.writeVarUint(encoder, checkpoint.by.length);
    for (const user of checkpoint.by) encoding.writeVarUint(encoder, userIndex.get(user)!);
    const snapshot = Y.decodeSnapshot(checkpoint.snapshot);
    const current = { sv: snapshot.sv, ds: rangesOf(snapshot.ds) };
    const added = newRanges(previous.ds, current.ds);
    const movedBack = [...previous.sv].some(([client, clock]) => (current.sv.get(client) ?? 0) < clock);
    if (added === null || movedBack) {
      encoding.writeVarUint(encoder, 1);
      encoding.writeVarUint8Array(encoder, checkpoint.snapshot);
    } else {
      encoding.writeVarUint(encoder, 0);
      const moved = [...current.sv].filter(([client, clock]) => previous.sv.get(client) !== clock);
      encoding.writeVarUint(encoder, moved.length);
      for (const [client, clock] of moved) {
        encoding.writeVarUint(encoder, client);
        encoding.writeVarUint(encoder, clock);
      }
      encoding.writeVarUint(encoder, added.length);
      for (const [client, clock, len] of added) {
        encoding.writeVarUint(encoder, client);
        encoding.writeVarUint(encoder, clock);
        encoding.writeVarUint(encoder, len);
      }
    }
    previous = current;
  }
  return encoding.toUint8Array(encoder);
}

export function decodeHistory(bytes: Uint8Array): Checkpoint[] {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== 1) throw new Error('unknown history record format');
  const users: string[] = [];
  for (let i = decoding.readVarUint(decoder); i > 0; i--) users.push(decoding.readVarString(decoder));
  const checkpoints: Checkpoint[] = [];
  let at = 0;
  let sv = new Map<number, number>();
  let ds: Ranges = new Map();
  for (let i = decoding.readVarUint(decoder); i > 0; i--) {
    at += decoding.readVarUint(decoder);
    const by: string[] = [];
    for (let k = decoding.readVarUint(decoder); k > 0; k--) by.push(users[decoding.readVarUint(decoder)] ?? '');
    let snapshot: Uint8Array;
    if (decoding.readVarUint(decoder) === 1) {
      snapshot = decoding.readVarUint8Array(decoder);
      const decoded = Y.decodeSnapshot(snapshot);
      sv = decoded.sv;
      ds = rangesOf(decoded.ds);
    } else {
      sv = new Map(sv);
      for (let c = decoding.readVarUint(decoder); c > 0; c--) sv.set(decoding.readVarUint(decoder), decoding.readVarUint(decoder));
      const added: [number, number, number][] = [];
      for (let r = decoding.readVarUint(decoder); r > 0; r--) {
        added.push([decoding.readVarUint(decoder), decoding.readVarUint(decoder), decoding.readVarUint(decoder)]);
      }
      ds = withRanges(ds, added);
      snapshot = Y.encodeSnapshot(Y.createSnapshot(deleteSetOf(ds), sv));
    }
    checkpoints.push({ at, snapshot, by });
  }
  return checkpoints;
}

/** Deleted ranges per client, sorted and merged: [clock, len][]. */
type Ranges = Map<number, [number, number][]>;
type DeleteSet = Parameters<typeof Y.createSnapshot>[0];

function rangesOf(ds: DeleteSet): Ranges {
  const merged = Y.mergeDeleteSets([ds]);
  return new Map([...merged.clients].map(([client, items]) => [client, items.map((item) => [item.clock, item.len] as [number, number])]));
}

function deleteSetOf(ranges: Ranges): DeleteSet {
  const ds = Y.createDeleteSet();
  for (const [client, items] of ranges) ds.clients.set(client, items.map(([clock, len]) => ({ clock, len })));
  return ds;
}

function withRanges(ranges: Ranges, added: readonly [number, number, number][]): Ranges {
  const ds = deleteSetOf(ranges);
  for (const [client, clock, len] of added) {
    const items = ds.clients.get(client) ?? [];
    items.push({ clock, len });
    ds.clients.set(client, items);
  }
  return rangesOf(ds);
}

/** The ranges of `next` not in `previous`; null if `previous` holds a range `next` does not cover (not a growth). */
function newRanges(previous: Ranges, next: Ranges): [number, number, number][] | null {
  const added: [number, number, number][] = [];
  for (const [client, before] of previous) {
    const after = next.get(client) ?? [];
    if (!before.every(([clock, len]) => after.some(([c, l]) => c <= clock && clock + len <= c + l))) return null;
  }
  for (const [client, after] of next) {
    const before = previous.get(client) ?? [];
    for (const [clock, len] of after) {
      // Walk the range, skipping what `before` covers.
      let from = clock;
      const end = clock + len;
      for (const [c, l] of before) {
        if (c + l <= from || c >= end) continue;
        if (c > from) added.push([client, from, c - from]);
        from = Math.max(from, c + l);
      }
      if (from < end) added.push([client, from, end - from]);
    }
  }
  return added;
}

import * as Y from 'yjs';

/**
 * A document as it was at one time: a Yjs snapshot (state vector and delete set, no content) of the document's stored
 * log. The log keeps the content: the relay merges updates without dropping deleted content (`mergeUpdatesTree`), so
 * any checkpoint can be turned back into the document it names (`Y.createDocFromSnapshot`). A few dozen bytes each.
 */
export interface Checkpoint {
  /** When it was taken, in milliseconds since the epoch. */
  readonly at: number;
  /** `Y.encodeSnapshot` of the document then. */
  readonly snapshot: Uint8Array;
  /** Who wrote since the checkpoint before (the users bound to the Yjs client ids that wrote), sorted. */
  readonly by: readonly string[];
}

/**
 * Which checkpoints are kept: every one for the last hour (a wipe a few minutes ago can be undone to the minute), the
 * last of every hour for a week, then the last of every day for 90 days.
 */
export const HISTORY_RETENTION = {
  allForMs: 3_600_000,
  hourlyForMs: 7 * 24 * 3_600_000,
  dailyForMs: 90 * 24 * 3_600_000,
} as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The times, among `ats`, of the checkpoints the retention policy no longer keeps at `now`. */
export function expiredCheckpoints(ats: readonly number[], now: number): number[] {
  const kept = new Map<string, number>();
  for (const at of ats) {
    const age = now - at;
    if (age > HISTORY_RETENTION.dailyForMs) continue;
    const bucket = age <= HISTORY_RETENTION.allForMs ? `a${at}` : age <= HISTORY_RETENTION.hourlyForMs ? `h${Math.floor(at / HOUR)}` : `d${Math.floor(at / DAY)}`;
    if ((kept.get(bucket) ?? -Infinity) < at) kept.set(bucket, at);
  }
  const keep = new Set(kept.values());
  return ats.filter((at) => !keep.has(at));
}

/** The snapshot of a document's merged log, read from the update itself: no Y.Doc. */
export function snapshotOfUpdate(merged: Uint8Array): Uint8Array {
  const { ds } = Y.decodeUpdate(merged) as unknown as { ds: Parameters<typeof Y.createSnapshot>[0] };
  const stateVector = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(merged));
  return Y.encodeSnapshot(Y.createSnapshot(ds, stateVector));
}

/** Yjs client ids whose clock in `snapshot` is past their clock in `previous` (all of them with no previous). */
export function clientsSince(snapshot: Uint8Array, previous: Uint8Array | null): number[] {
  const now = Y.decodeSnapshot(snapshot).sv;
  const before = previous === null ? new Map<number, number>() : Y.decodeSnapshot(previous).sv;
  return [...now].filter(([client, clock]) => clock > (before.get(client) ?? 0)).map(([client]) => client);
}

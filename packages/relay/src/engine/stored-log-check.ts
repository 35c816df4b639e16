import { isEmptyUpdate } from '@concord/core/protocol';
import { decodeExact, screenUpdate, type DecodedUpdate } from './update-screen.js';

interface Waiting {
  readonly index: number;
  readonly decoded: DecodedUpdate;
  /** Per client id it left a gap on: the clock its own structs start at. */
  readonly gapStarts: ReadonlyMap<number, number>;
}

/** An update admitted once its gap was filled: per gap client, the clocks its structs took. */
interface Released {
  readonly index: number;
  readonly ranges: ReadonlyMap<number, readonly [start: number, end: number]>;
}

/**
 * Which of a document's stored updates (in log order, from an empty document) must be quarantined, with why: index →
 * reason. The same screen as live writes (`screenUpdate`), replayed over the log, so a log written before the relay
 * screened updates (or imported, or damaged on disk) is served without the updates that would break every receiver:
 * - undecodable updates, and updates the screen refuses (`self_reference`, `empty_delete_range`, ...);
 * - an update that started past its client's clock (a gap), when another update fills the gap past its start or later
 *   writes clocks inside its range: two different structs claim the same clocks (`conflicting_clocks`), the mark of a
 *   stranger writing ahead on someone's client id. The other update is that person's own; if it is a re-send of the
 *   same structs, nothing is lost either;
 * - updates still waiting, at the end of the log, for clocks nobody wrote (`unmet_dependency`).
 * Updates that arrived out of order and were completed by later ones stay.
 */
export function checkStoredLog(updates: readonly Uint8Array[]): Map<number, string> {
  const bad = new Map<number, string>();
  const clocks = new Map<number, number>();
  let waiting: Waiting[] = [];
  const released: Released[] = [];
  const admit = (advances: ReadonlyMap<number, number>): void => {
    for (const [client, clock] of advances) clocks.set(client, clock);
  };
  for (const [index, update] of updates.entries()) {
    if (isEmptyUpdate(update)) continue;
    const decoded = decodeExact(update.byteOffset === 0 && update.byteLength === update.buffer.byteLength ? update : update.slice());
    if (decoded === null) {
      bad.set(index, 'undecodable');
      continue;
    }
    for (const earlier of released) if (writesInside(decoded, earlier.ranges)) bad.set(earlier.index, 'conflicting_clocks');
    const screening = screenUpdate(decoded, clocks);
    if (screening.verdict === 'refuse') bad.set(index, screening.reason);
    else if (screening.verdict === 'hold') waiting.push({ index, decoded, gapStarts: gapStarts(decoded, screening.gaps) });
    else {
      admit(screening.advances);
      waiting = release(waiting, clocks, bad, admit, released);
    }
  }
  for (const { index } of waiting) bad.set(index, 'unmet_dependency');
  return bad;
}

function gapStarts(decoded: DecodedUpdate, gaps: ReadonlySet<number>): Map<number, number> {
  const starts = new Map<number, number>();
  for (const struct of decoded.structs) {
    if (gaps.has(struct.id.client) && !starts.has(struct.id.client)) starts.set(struct.id.client, struct.id.clock);
  }
  return starts;
}

/** Admits every waiting update whose needs are now met, until none is; returns those still waiting. */
function release(
  waiting: Waiting[],
  clocks: ReadonlyMap<number, number>,
  bad: Map<number, string>,
  admit: (advances: ReadonlyMap<number, number>) => void,
  released: Released[],
): Waiting[] {
  let rest = waiting;
  for (let progress = rest.length > 0; progress; ) {
    progress = false;
    const next: Waiting[] = [];
    for (const entry of rest) {
      const screening = screenUpdate(entry.decoded, clocks);
      if (screening.verdict === 'hold') next.push(entry);
      else if (screening.verdict === 'refuse') bad.set(entry.index, screening.reason);
      else if ([...entry.gapStarts].some(([client, start]) => (clocks.get(client) ?? 0) > start)) bad.set(entry.index, 'conflicting_clocks');
      else {
        const ranges = new Map<number, readonly [number, number]>();
        for (const [client, start] of entry.gapStarts) ranges.set(client, [start, screening.advances.get(client) ?? start]);
        released.push({ index: entry.index, ranges });
        admit(screening.advances);
        progress = true;
      }
    }
    rest = next;
  }
  return rest;
}

/** Whether `decoded` has a struct on one of `ranges`' clients that starts inside that client's range. */
function writesInside(decoded: DecodedUpdate, ranges: ReadonlyMap<number, readonly [number, number]>): boolean {
  for (const struct of decoded.structs) {
    const range = ranges.get(struct.id.client);
    if (range !== undefined && struct.id.clock >= range[0] && struct.id.clock < range[1]) return true;
  }
  return false;
}

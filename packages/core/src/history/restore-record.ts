import * as Y from 'yjs';
import { authorOf, type Verifier } from '../attribution/authors.js';
import type { TaskId } from '../model/ids.js';
import type { ListRestored } from '../activity/events.js';
import { RESTORES_ARRAY } from '../protocol/document-schema.js';

/** The list document's array of restores: one plain object per restore, written by the replica that asked for it. */
export const RESTORES_KEY = RESTORES_ARRAY;

/** One restore as the list document records it. */
interface RestoreRecord {
  /** When it was made (the writer's clock). */
  readonly at: number;
  /** The time the list was brought back to. */
  readonly to: number;
  /** The user whose changes were reverted ('' for everyone's). */
  readonly only: string;
  /** How many documents (the list and its tasks) it changed. */
  readonly changed: number;
}

/**
 * Appends the record of a restore this replica asked for. Written with `origin`, as an edit of its own (so it syncs,
 * is attributed to its writer like any change, and is not part of the restore's undo step).
 */
export function recordRestore(listDoc: Y.Doc, record: RestoreRecord, origin: unknown): void {
  listDoc.transact(() => listDoc.getArray<RestoreRecord>(RESTORES_KEY).push([record]), origin);
}

/** The restores the list document records, as activity events (who: the record's writer, as its claim says). */
export function restoreEvents(listDoc: Y.Doc, verify: Verifier): ListRestored[] {
  const events: ListRestored[] = [];
  for (let item = listDoc.share.get(RESTORES_KEY)?._start ?? null; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentAny)) continue;
    item.content.arr.forEach((value: unknown, offset: number) => {
      if (!isRecord(value)) return;
      const { client, clock } = item.id;
      events.push({
        id: `list-restored:${client}:${clock + offset}`,
        kind: 'list-restored',
        taskId: '' as TaskId,
        title: '',
        at: value.at,
        by: authorOf(listDoc, client, verify) ?? null,
        to: value.to,
        only: value.only === '' ? null : value.only,
        changed: value.changed,
      });
    });
  }
  return events;
}

function isRecord(value: unknown): value is RestoreRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { at, to, only, changed } = value as Record<string, unknown>;
  return typeof at === 'number' && typeof to === 'number' && typeof only === 'string' && typeof changed === 'number';
}

import { EDITS_KEY, readRecords, type IdRange } from '@concord/core/model';
import { AUTHORS_MAP, RESTORES_ARRAY } from '@concord/core/protocol';
import * as Y from 'yjs';
import { mergeUpdatesTree } from '../engine/merge-tree.js';
import type { Checkpoint } from './checkpoint.js';
import { snapshotOfUpdate } from './checkpoint.js';

/** The user a restore is recorded as (in `deletedBy` of tasks it moves to the trash). */
export const RESTORE_USER = 'restore';

export interface RestorePlan {
  /** The document's stored updates, as storage holds them now. */
  readonly updates: readonly Uint8Array[];
  /** Its checkpoints, oldest first. */
  readonly checkpoints: readonly Checkpoint[];
  /** With `only`: the Yjs client ids of that user (only their changes are reverted). */
  readonly onlyClients?: ReadonlySet<number>;
  /** The list document (its `tasks` entries created since are moved to the trash rather than removed). */
  readonly isList: boolean;
  readonly now: number;
}

/**
 * The update that brings one document back to what it was at `time` (its last checkpoint at or before then), as a
 * diff from now, computed in a short-lived Y.Doc and written by a new Yjs client: it syncs and merges like any edit.
 * Null when there is nothing to change (or no checkpoint that old: the document did not exist yet, or had no history).
 *
 * - Texts get the smallest splice to the old text; map values the old value; entries the old entries.
 * - List entries (tasks) created since are moved to the trash, deleted by `RESTORE_USER`: nothing is lost.
 * - With `onlyClients`, only that user's changes since `time` are reverted: characters they inserted are removed,
 *   values they set go back, and text they deleted comes back where it was (Yjs does not record who deleted: the
 *   edit records the user's client wrote with each edit of a text field name the characters it deleted); other
 *   people's changes stay.
 */
export function restoreUpdate(plan: RestorePlan, time: number): Uint8Array | null {
  const checkpoint = [...plan.checkpoints].reverse().find((each) => each.at <= time);
  if (!checkpoint || plan.updates.length === 0) return null;
  const merged = mergeUpdatesTree(plan.updates);
  // Unchanged since the checkpoint: no Y.Doc needed (most task documents of a list, in a restore to an hour ago).
  if (sameBytes(snapshotOfUpdate(merged), checkpoint.snapshot)) return null;
  // Named: a Y.Doc otherwise draws a random guid, a measurable share of a 1,000-document restore.
  const current = new Y.Doc({ gc: false, guid: 'restore-now' });
  let past: Y.Doc | null = null;
  try {
    Y.applyUpdate(current, merged);
    const snapshot = Y.decodeSnapshot(checkpoint.snapshot);
    past = Y.createDocFromSnapshot(current, snapshot, new Y.Doc({ gc: false, guid: 'restore-then' }));
    const updates: Uint8Array[] = [];
    current.on('update', (update: Uint8Array) => updates.push(update));
    const context: Context = { only: plan.onlyClients ?? null, pastClocks: snapshot.sv, now: plan.now };
    current.transact(() => {
      // The edit records last: reverting one user's text reads the records their removal then takes out.
      const names = [...new Set([...current.share.keys(), ...past!.share.keys()])].sort((a, b) => Number(a === EDITS_KEY) - Number(b === EDITS_KEY));
      for (const name of names) {
        restoreRoot(current, past!, name, context, plan.isList && name === 'tasks');
      }
    });
    return updates.length === 0 ? null : Y.mergeUpdates(updates);
  } finally {
    past?.destroy();
    current.destroy();
  }
}

interface Context {
  readonly only: ReadonlySet<number> | null;
  readonly pastClocks: Map<number, number>;
  readonly now: number;
}

/** Whether an item was written by the restored user after the checkpoint. */
function isNewByUser(item: Y.Item | null | undefined, context: Context): boolean {
  if (!item || context.only === null) return false;
  return context.only.has(item.id.client) && item.id.clock >= (context.pastClocks.get(item.id.client) ?? 0);
}

function restoreRoot(current: Y.Doc, past: Y.Doc, name: string, context: Context, listEntries: boolean): void {
  // Append-only bookkeeping: who wrote with which client id, and the restores made. A restore never takes them back.
  if (name === AUTHORS_MAP || name === RESTORES_ARRAY) return;
  if (name === EDITS_KEY) {
    removeRecordsSince(current.getArray(name), context);
    return;
  }
  const kind = rootKind(current.share.get(name)) ?? rootKind(past.share.get(name));
  if (kind === 'map') restoreMap(current.getMap(name), past.getMap(name), context, listEntries);
  else if (kind === 'text') restoreText(current.getText(name), past.getText(name), context, name);
  else if (kind === 'array' && context.only === null) restoreArray(current.getArray(name), past.getArray(name));
}

type RootType = ReturnType<Y.Doc['share']['get']>;

/** Root types come back from an update untyped: a map has keyed entries, a sequence a start (text holds strings). */
function rootKind(type: RootType): 'map' | 'text' | 'array' | null {
  if (!type) return null;
  if (type instanceof Y.Map || type._map.size > 0) return 'map';
  if (type instanceof Y.Text) return 'text';
  if (type instanceof Y.Array) return 'array';
  for (let item = type._start; item !== null; item = item.right) {
    if (item.content instanceof Y.ContentDeleted) continue;
    return item.content instanceof Y.ContentString || item.content instanceof Y.ContentFormat || item.content instanceof Y.ContentEmbed ? 'text' : 'array';
  }
  return null;
}

function restoreArray(current: Y.Array<unknown>, past: Y.Array<unknown>): void {
  if (JSON.stringify(current.toJSON()) === JSON.stringify(past.toJSON())) return;
  current.delete(0, current.length);
  current.insert(0, past.toArray().map((value) => (value instanceof Y.AbstractType ? value.clone() : value)));
}

function restoreMap(current: Y.Map<unknown>, past: Y.Map<unknown>, context: Context, listEntries: boolean): void {
  for (const [key, value] of past) {
    if (context.only && !isNewByUser(current._map.get(key), context) && !(value instanceof Y.Map && current.get(key) instanceof Y.Map)) continue;
    const now = current.get(key);
    if (value instanceof Y.Map) {
      if (now instanceof Y.Map) restoreMap(now as Y.Map<unknown>, value as Y.Map<unknown>, context, false);
      else current.set(key, copyMap(value as Y.Map<unknown>));
    } else if (value instanceof Y.AbstractType) {
      current.set(key, value.clone());
    } else if (!current.has(key) || now !== value) {
      current.set(key, value);
    }
  }
  for (const key of [...current.keys()]) {
    if (past.has(key)) continue;
    if (context.only && !isNewByUser(current._map.get(key), context)) continue;
    const entry = current.get(key);
    if (listEntries && entry instanceof Y.Map) {
      if (!entry.has('deletedAt')) {
        entry.set('deletedAt', context.now);
        entry.set('deletedBy', RESTORE_USER);
      }
    } else current.delete(key);
  }
}

function copyMap(source: Y.Map<unknown>): Y.Map<unknown> {
  const copy = new Y.Map<unknown>();
  for (const [key, value] of source) copy.set(key, value instanceof Y.Map ? copyMap(value as Y.Map<unknown>) : value instanceof Y.AbstractType ? value.clone() : value);
  return copy;
}

function restoreText(current: Y.Text, past: Y.Text, context: Context, name: string): void {
  if (context.only) {
    revertUserText(current, context, deletedByUser(current.doc!, name, context));
    return;
  }
  const before = current.toString();
  const after = past.toString();
  if (before === after) return;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start++;
  let end = 0;
  while (end < shorter - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  if (before.length - start - end > 0) current.delete(start, before.length - start - end);
  const inserted = after.slice(start, after.length - end);
  if (inserted.length > 0) current.insert(start, inserted);
}

/**
 * Reverts one user's changes of a text since the checkpoint, in one pass over its items: runs they inserted are removed,
 * and characters they deleted (`deleted`) are inserted again where they were, unless they were their own insertions
 * since the checkpoint (inserted and deleted again: nothing to bring back). Applied from the end, so the indexes of the
 * pass stay valid.
 */
function revertUserText(current: Y.Text, context: Context, deleted: readonly IdRange[]): void {
  const steps: ({ at: number; remove: number } | { at: number; insert: string })[] = [];
  let index = 0;
  for (let item = current._start; item !== null; item = item.right) {
    if (!item.countable) continue;
    if (!item.deleted) {
      if (isNewByUser(item, context)) steps.push({ at: index, remove: item.length });
      index += item.length;
    } else if (deleted.length > 0 && item.content instanceof Y.ContentString && !isNewByUser(item, context)) {
      const text = item.content.str;
      let run = '';
      for (let offset = 0; offset < item.length; offset++) {
        if (covers(deleted, item.id.client, item.id.clock + offset)) run += text[offset] ?? '';
      }
      if (run !== '') steps.push({ at: index, insert: run });
    }
  }
  for (const step of steps.reverse()) {
    if ('remove' in step) current.delete(step.at, step.remove);
    else current.insert(step.at, step.insert);
  }
}

/**
 * The characters of text field `field` the user deleted since the checkpoint, as their edit records name them, less
 * those someone else's record since then deleted too (they stay deleted: that was not only the user's change).
 */
function deletedByUser(doc: Y.Doc, field: string, context: Context): IdRange[] {
  const only = context.only;
  if (only === null) return [];
  const since = readRecords(doc).filter((record) => record.field === field && record.clock >= (context.pastClocks.get(record.client) ?? 0));
  const others = since.filter((record) => !only.has(record.client)).flatMap((record) => record.deleted);
  return since
    .filter((record) => only.has(record.client))
    .flatMap((record) => record.deleted)
    .flatMap((range) => {
      const kept: IdRange[] = [];
      for (let clock = range.clock; clock < range.clock + range.length; clock++) {
        if (covers(others, range.client, clock)) continue;
        const last = kept.at(-1);
        if (last && last.clock + last.length === clock) kept[kept.length - 1] = { ...last, length: last.length + 1 };
        else kept.push({ client: range.client, clock, length: 1 });
      }
      return kept;
    });
}

/**
 * The edit records written since the checkpoint (with `only`: the user's) go with the edits reverted: left in place, a
 * record that collided with another edit would keep deciding which version of a field is shown. Records are never
 * copied back (a copy would be a record at another id, which is what identifies one).
 */
function removeRecordsSince(edits: Y.Array<unknown>, context: Context): void {
  let index = 0;
  const runs: [index: number, length: number][] = [];
  for (let item = edits._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const since = item.id.clock >= (context.pastClocks.get(item.id.client) ?? 0);
    if (since && (context.only === null || context.only.has(item.id.client))) runs.push([index, item.length]);
    index += item.length;
  }
  for (const [at, length] of runs.reverse()) edits.delete(at, length);
}

function covers(ranges: readonly IdRange[], client: number, clock: number): boolean {
  return ranges.some((range) => range.client === client && range.clock <= clock && clock < range.clock + range.length);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((byte, i) => byte === b[i]);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import { openReplicas, settle, settleLocally, type Replica, deliverPicked, reconnectAllAndSettle } from '../store/test-support/replicas.js';
import { InMemoryRelay } from '../transport/in-memory.js';

const REPLICAS = 3;
const TASKS = 2;

/** One step of a random history; numbers pick among whatever exists when the step runs. */
type Step =
  | { kind: 'splice'; replica: number; task: number; at: number; remove: number; insert: number }
  | { kind: 'pick'; replica: number; task: number; which: number }
  | { kind: 'disconnect'; replica: number }
  | { kind: 'connect'; replica: number }
  | { kind: 'deliver'; count: number; picks: number[] };

const replica = fc.nat(REPLICAS - 1);
const index = fc.nat(1000);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('splice' as const), replica, task: index, at: index, remove: fc.nat(4), insert: fc.nat(3) }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant('pick' as const), replica, task: index, which: index }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('disconnect' as const), replica }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('connect' as const), replica }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 8 }), picks: fc.array(index, { minLength: 8, maxLength: 8 }) }), weight: 3 },
);

/**
 * What the test knows of an edit, from the strings and Yjs state vectors alone (not from the edit records): every
 * character ever typed is unique, so a character names the edit that typed it.
 */
interface Edit {
  readonly client: number;
  /** The author's state vector before the edit, and its own clock after it. */
  readonly seen: Map<number, number>;
  readonly after: number;
  readonly deleted: Set<string>;
  readonly inserted: string;
  /** The character the inserted run follows: the last deleted one, else the one before the insert. */
  readonly anchor: string | undefined;
}

const sawEdit = (a: Edit, b: Edit) => (a.seen.get(b.client) ?? 0) >= b.after;
function collide(a: Edit, b: Edit): boolean {
  if (sawEdit(a, b) || sawEdit(b, a)) return false;
  if ([...a.deleted].some((char) => b.deleted.has(char))) return true;
  return (a.anchor !== undefined && b.deleted.has(a.anchor)) || (b.anchor !== undefined && a.deleted.has(b.anchor));
}

async function run(steps: Step[]): Promise<void> {
  const relay = new InMemoryRelay();
  const replicas = await openReplicas(relay, REPLICAS);
  for (const r of replicas) r.transport.connect();
  let fresh = 0x4e00;
  const unique = (length: number) => Array.from({ length }, () => String.fromCharCode(fresh++)).join('');
  const ids: TaskId[] = [];
  for (let i = 0; i < TASKS; i++) ids.push(replicas[0]!.list.create({ title: unique(6) }));
  await settle(relay);
  const edits = new Map<TaskId, Edit[]>(ids.map((id) => [id, []]));
  const picked = new Set<TaskId>();

  for (const s of steps) {
    if (s.kind === 'deliver') {
      deliverPicked(relay, s.picks.slice(0, s.count));
      continue;
    }
    const { list, transport } = replicas[s.replica]!;
    if (s.kind === 'disconnect') transport.disconnect();
    else if (s.kind === 'connect') transport.connect();
    else {
      const id = ids[s.task % TASKS]!;
      const before = list.get(id)!;
      if (s.kind === 'pick') {
        const alternatives = before.alternatives?.title ?? [];
        const alternative = alternatives[s.which % Math.max(1, alternatives.length)];
        if (alternative) {
          list.pickAlternative(id, 'title', alternative.id);
          expect(list.get(id)?.title).toBe(alternative.text);
          picked.add(id);
        }
      } else {
        const doc = list.text(id, 'title').doc!;
        const seen = Y.decodeStateVector(Y.encodeStateVector(doc));
        const title = before.title;
        const at = s.at % (title.length + 1);
        const removed = title.slice(at, at + s.remove);
        const inserted = unique(s.insert);
        if (removed === '' && inserted === '') continue;
        list.update(id, { title: title.slice(0, at) + inserted + title.slice(at + removed.length) });
        const anchor = removed !== '' ? removed[removed.length - 1] : at > 0 ? title[at - 1] : undefined;
        edits.get(id)!.push({ client: doc.clientID, seen, after: Y.getState(doc.store, doc.clientID), deleted: new Set(removed), inserted, anchor });
      }
    }
    await settleLocally(replicas);
  }

  await reconnectAllAndSettle(relay, replicas);
  for (const id of ids) {
    assertSame(replicas, id);
    if (!picked.has(id)) assertNoInterleaving(replicas[0]!.list.get(id)!.title, edits.get(id)!);
  }
  // Then two people pick the same alternative at once, and either a third edits the title meanwhile or not.
  const edited = new Set<TaskId>();
  for (const [i, id] of ids.entries()) {
    const alternative = replicas[1]!.list.get(id)!.alternatives?.title?.[0];
    if (!alternative) continue;
    for (const r of replicas.slice(0, 2)) {
      r.list.pickAlternative(id, 'title', alternative.id);
      expect(r.list.get(id)!.title).toBe(alternative.text);
    }
    if (i % 2 === 1) continue;
    const title = replicas[2]!.list.get(id)!.title;
    replicas[2]!.list.update(id, { title: title.slice(1) + unique(1) });
    edited.add(id);
  }
  const shownAfterPicks = new Map(ids.map((id) => [id, replicas[0]!.list.get(id)!.title]));
  await settle(relay);
  for (const id of ids) {
    assertSame(replicas, id);
    // The same words put back twice show once.
    if (!edited.has(id)) expect(replicas[2]!.list.get(id)!.title).toBe(shownAfterPicks.get(id));
  }
  await Promise.all(replicas.map((r) => r.concord.close()));
}

function assertSame(replicas: readonly Replica[], id: TaskId): void {
  const shown = replicas.map((r) => {
    const task = r.list.get(id)!;
    return { title: task.title, alternatives: task.alternatives ?? {} };
  });
  for (const other of shown.slice(1)) expect(other).toEqual(shown[0]);
  const texts = (shown[0]!.alternatives.title ?? []).map((alternative) => alternative.text);
  expect(new Set([shown[0]!.title, ...texts]).size).toBe(texts.length + 1); // none repeats the shown text or another
}

/**
 * Two colliding edits never both show: not the text each inserted, nor one's insert with the other's deletion of
 * characters that nothing else deleted.
 */
function assertNoInterleaving(shown: string, edits: readonly Edit[]): void {
  const present = new Set(shown);
  const insertedBy = (char: string) => edits.find((edit) => edit.inserted.includes(char));
  const deletedElsewhere = (char: string, by: Edit) => edits.some((edit) => edit !== by && edit.deleted.has(char));
  const showsInsert = (edit: Edit) => [...edit.inserted].some((char) => present.has(char));
  // A deleted character counts when it would show otherwise: typed by no edit, or by one whose text shows.
  const wouldShow = (char: string) => {
    const by = insertedBy(char);
    return by === undefined || showsInsert(by);
  };
  const showsDeletion = (edit: Edit, other: Edit) =>
    [...edit.deleted].some((char) => !other.deleted.has(char) && !present.has(char) && !deletedElsewhere(char, edit) && wouldShow(char));
  for (const edit of edits) {
    // Text typed right after another edit's text shows only with that text (or after someone deleted it).
    const anchor = edit.anchor !== undefined && !edit.deleted.has(edit.anchor) ? edit.anchor : undefined;
    if (anchor === undefined || !showsInsert(edit) || present.has(anchor) || !insertedBy(anchor)) continue;
    if (!edits.some((other) => other.deleted.has(anchor))) throw new Error(`"${shown}" shows ${edit.inserted} without the text it was typed after`);
  }
  for (const [i, a] of edits.entries()) {
    for (const b of edits.slice(i + 1)) {
      if (!collide(a, b)) continue;
      const both = (showsInsert(a) && showsInsert(b)) || (showsInsert(a) && showsDeletion(b, a)) || (showsInsert(b) && showsDeletion(a, b));
      if (both) throw new Error(`"${shown}" shows two colliding edits: ${JSON.stringify([a, b], (_k, v: unknown) => (v instanceof Set || v instanceof Map ? [...v] : v))}`);
    }
  }
}

describe('text fields under random concurrent edits', () => {
  it('show the same text and alternatives everywhere, never two colliding edits at once', async () => {
    const numRuns = Number(process.env.CONCORD_PROPERTY_RUNS ?? 200);
    // fast-check prints the seed and the shrunk counterexample on failure; replay with { seed, path }.
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), run), { numRuns, verbose: 1, ...(process.env.CONCORD_SEED && { seed: Number(process.env.CONCORD_SEED), path: process.env.CONCORD_PATH }) });
  }, 300_000);
});

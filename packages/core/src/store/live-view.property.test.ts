import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import type { TaskId } from '../model/ids.js';
import { compareOrdered } from '../model/order.js';
import { resolveText } from '../text-merge/index.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import type { Task, TaskList } from './task-list.js';
import { deliverPicked, openReplicas, reconnectAllAndSettle } from './test-support/replicas.js';

/** One step of a random history on one of two replicas; numbers pick among whatever exists when the step runs. */
type Step =
  | { kind: 'create'; replica: number; title: string; after: number }
  | { kind: 'burst'; replica: number; count: number }
  | { kind: 'rename'; replica: number; task: number; title: string }
  | { kind: 'toggle' | 'delete' | 'restore' | 'purge'; replica: number; task: number }
  | { kind: 'move'; replica: number; task: number; after: number }
  | { kind: 'deliver'; picks: number[] };

const replica = fc.nat(1);
const index = fc.nat(1000);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), replica, title: fc.string({ maxLength: 4 }), after: index }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('burst' as const), replica, count: fc.integer({ min: 2, max: 70 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('rename' as const), replica, task: index, title: fc.string({ maxLength: 4 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom('toggle' as const, 'delete' as const, 'restore' as const, 'purge' as const), replica, task: index }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), replica, task: index, after: index }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), picks: fc.array(index, { minLength: 1, maxLength: 12 }) }), weight: 4 },
);

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

/** What a list must show, read from its documents directly: entries sorted anew, texts resolved anew. */
function fromDocuments(list: TaskList): { live: unknown[]; trash: TaskId[] } {
  const entries: Array<{ id: TaskId; order: string; deletedAt?: number }> = [];
  for (const [id, entry] of list.doc.getMap<Y.Map<unknown>>('tasks')) {
    const order = entry.get('order');
    const deletedAt = entry.get('deletedAt');
    if (typeof order === 'string') entries.push({ id: id as TaskId, order, ...(typeof deletedAt === 'number' && { deletedAt }) });
  }
  entries.sort(compareOrdered);
  // A task whose document has not arrived yet is not shown; `get` says which (it is not what is checked here).
  const shown = entries.filter((entry) => list.get(entry.id) !== undefined);
  const live = shown.filter((entry) => entry.deletedAt === undefined).map(({ id, order }) => {
    const doc = list.text(id, 'title').doc!;
    return { id, order, title: resolveText(doc, 'title').text, completed: doc.getMap('fields').get('completed') === true };
  });
  const trash = shown.filter((entry) => entry.deletedAt !== undefined).sort((a, b) => b.deletedAt! - a.deletedAt!).map(({ id }) => id);
  return { live, trash };
}

const shownLive = (tasks: readonly Task[]) => tasks.map(({ id, order, title, completed }) => ({ id, order, title, completed }));

async function run(steps: Step[]): Promise<void> {
  const relay = new InMemoryRelay();
  const replicas = await openReplicas(relay, 2);
  for (const r of replicas) r.transport.connect();
  // Arrays handed out earlier, with a copy of what they held: a later change must never alter them.
  const handedOut: Array<{ array: readonly Task[]; copy: Task[] }> = [];
  const check = () => {
    for (const { list } of replicas) {
      const expected = fromDocuments(list);
      const live = list.tasks();
      expect(shownLive(live)).toEqual(expected.live);
      // Equal deletion times may come in either order: compare the times' order and the members.
      const trash = list.trash();
      expect(trash.map((task) => task.id).sort()).toEqual([...expected.trash].sort());
      for (let i = 1; i < trash.length; i++) expect(trash[i - 1]!.deletedAt!).toBeGreaterThanOrEqual(trash[i]!.deletedAt!);
      handedOut.push({ array: live, copy: [...live] });
    }
    for (const { array, copy } of handedOut) for (let i = 0; i < copy.length; i++) expect(array[i]).toBe(copy[i]);
    if (handedOut.length > 8) handedOut.splice(0, handedOut.length - 8);
  };
  for (const s of steps) {
    if (s.kind === 'deliver') deliverPicked(relay, s.picks);
    else {
      const { list } = replicas[s.replica]!;
      const live = list.tasks();
      const task = s.kind === 'create' || s.kind === 'burst' ? undefined : pick(s.kind === 'restore' ? list.trash() : live, s.task)?.id;
      switch (s.kind) {
        case 'create':
          list.create({ title: s.title, ...(s.after % 3 !== 0 && { after: pick(live, s.after)?.id ?? null }) });
          break;
        case 'burst':
          for (let i = 0; i < s.count; i++) list.create({ title: `b${i}` });
          break;
        case 'rename':
          if (task) list.update(task, { title: s.title });
          break;
        case 'toggle':
          if (task) list.update(task, { completed: !list.get(task)!.completed });
          break;
        case 'delete':
          if (task) list.delete(task);
          break;
        case 'restore':
          if (task) list.restore(task);
          break;
        case 'purge':
          if (task) await list.purge(task);
          break;
        case 'move': {
          const after = s.after % 4 === 0 ? null : pick(live, s.after)?.id;
          if (task && after !== task && after !== undefined) list.move(task, after);
          break;
        }
      }
    }
    // Read right away (patched within the turn) and after the turn (what a subscriber is given).
    check();
    await Promise.resolve();
    check();
  }
  await reconnectAllAndSettle(relay, replicas);
  check();
  await Promise.all(replicas.map((r) => r.concord.close()));
}

describe('the tasks a list shows, patched as they change', () => {
  it('always equal the tasks read anew from the documents, and arrays handed out never change', async () => {
    const numRuns = Number(process.env.CONCORD_PROPERTY_RUNS ?? 30);
    const seed = Number(process.env.CONCORD_PROPERTY_SEED ?? Date.now() % 2 ** 31);
    console.log(`live view property: seed ${seed}`);
    // fast-check also prints the seed and the shrunk counterexample on failure; replay with CONCORD_PROPERTY_SEED.
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 20 }), run), { numRuns, seed, verbose: 1 });
  }, 120_000);
});

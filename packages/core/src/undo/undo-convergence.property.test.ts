import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskId } from '../model/ids.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplicas, settleLocally, view, type Replica, deliverPicked, reconnectAllAndSettle } from '../store/test-support/replicas.js';

const REPLICAS = 3;

/** One step of a random history; numbers pick among whatever exists when the step runs. */
type Step =
  | { kind: 'create'; replica: number; title: string }
  | { kind: 'type'; replica: number; task: number; at: number; text: string }
  | { kind: 'erase'; replica: number; task: number; at: number }
  | { kind: 'toggle' | 'delete' | 'restore'; replica: number; task: number }
  | { kind: 'move'; replica: number; task: number; after: number }
  | { kind: 'undo' | 'redo' | 'disconnect' | 'connect'; replica: number }
  | { kind: 'deliver'; count: number; picks: number[] };

const replica = fc.nat(REPLICAS - 1);
const index = fc.nat(1000);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), replica, title: fc.string({ maxLength: 5 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('type' as const), replica, task: index, at: index, text: fc.string({ minLength: 1, maxLength: 3 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('erase' as const), replica, task: index, at: index }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constantFrom('toggle' as const, 'delete' as const, 'restore' as const), replica, task: index }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), replica, task: index, after: index }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('undo' as const), replica }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('redo' as const), replica }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constantFrom('disconnect' as const, 'connect' as const), replica }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 8 }), picks: fc.array(index, { minLength: 8, maxLength: 8 }) }), weight: 5 },
);

const pick = <T>(items: readonly T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

async function run(steps: Step[]): Promise<void> {
  const relay = new InMemoryRelay();
  const replicas = await openReplicas(relay, REPLICAS);
  for (const r of replicas) r.transport.connect();
  const created = new Set<TaskId>();
  for (const s of steps) {
    if (s.kind === 'deliver') {
      deliverPicked(relay, s.picks.slice(0, s.count));
      continue;
    }
    const { list, transport } = replicas[s.replica]!;
    const live = list.tasks();
    const all = [...live, ...list.trash()];
    const task = 'task' in s ? pick(s.kind === 'restore' ? list.trash() : s.kind === 'delete' || s.kind === 'move' ? live : all, s.task) : undefined;
    switch (s.kind) {
      case 'create':
        created.add(list.create({ title: s.title }));
        break;
      case 'type':
        if (task) list.text(task.id, 'title').insert(s.at % (task.title.length + 1), s.text);
        break;
      case 'erase':
        if (task && task.title.length > 0) list.update(task.id, { title: task.title.slice(0, s.at % task.title.length) });
        break;
      case 'toggle':
        if (task) list.update(task.id, { completed: !task.completed });
        break;
      case 'delete':
        if (task) list.delete(task.id);
        break;
      case 'restore':
        if (task) list.restore(task.id);
        break;
      case 'move': {
        const after = s.after % 3 === 0 ? null : pick(live.filter((t) => t.id !== task?.id), s.after)?.id;
        if (task && after !== undefined) list.move(task.id, after);
        break;
      }
      case 'undo':
        list.undo();
        break;
      case 'redo':
        list.redo();
        break;
      case 'disconnect':
        transport.disconnect();
        break;
      case 'connect':
        transport.connect();
        break;
    }
    await settleLocally(replicas);
  }
  await reconnectAllAndSettle(relay, replicas);
  assertConverged(replicas, created);
  await Promise.all(replicas.map((r) => r.concord.close()));
}

function assertConverged(replicas: Replica[], created: Set<TaskId>): void {
  const [first, ...rest] = replicas.map((r) => view(r.list));
  for (const other of rest) expect(other).toEqual(first);
  for (const r of replicas) {
    // Undoing a create moves the task to the trash: no task is ever lost or duplicated by undo or redo.
    const ids = [...r.list.tasks(), ...r.list.trash()].map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...created].sort());
  }
}

describe('undo and redo under random histories', () => {
  it('three replicas editing, undoing and redoing converge, losing no task', async () => {
    const numRuns = Number(process.env.CONCORD_PROPERTY_RUNS ?? 150);
    // fast-check prints the seed and the shrunk counterexample on failure; replay with { seed, path }.
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), run), { numRuns, verbose: 1 });
  }, 120_000);
});

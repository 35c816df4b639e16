import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TaskId } from '../model/ids.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplicas, settleLocally, view, type Replica, deliverPicked, reconnectAllAndSettle } from './test-support/replicas.js';

const REPLICAS = 3;

/** One step of a random history; numbers pick among whatever exists when the step runs. */
type Step =
  | { kind: 'create'; replica: number; title: string; at: number }
  | { kind: 'type'; replica: number; task: number; at: number; text: string }
  | { kind: 'erase'; replica: number; task: number; at: number; length: number }
  | { kind: 'toggle'; replica: number; task: number }
  | { kind: 'delete'; replica: number; task: number }
  | { kind: 'restore'; replica: number; task: number }
  | { kind: 'move'; replica: number; task: number; after: number }
  | { kind: 'purge'; replica: number; task: number }
  | { kind: 'disconnect'; replica: number }
  | { kind: 'connect'; replica: number }
  | { kind: 'deliver'; count: number; picks: number[] };

const replica = fc.nat(REPLICAS - 1);
const index = fc.nat(1000);
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('create' as const), replica, title: fc.string({ maxLength: 6 }), at: index }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('type' as const), replica, task: index, at: index, text: fc.string({ minLength: 1, maxLength: 4 }) }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('erase' as const), replica, task: index, at: index, length: fc.integer({ min: 1, max: 3 }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('toggle' as const), replica, task: index }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), replica, task: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('restore' as const), replica, task: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('move' as const), replica, task: index, after: index }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('purge' as const), replica, task: index }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('disconnect' as const), replica }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('connect' as const), replica }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deliver' as const), count: fc.integer({ min: 1, max: 8 }), picks: fc.array(index, { minLength: 8, maxLength: 8 }) }), weight: 5 },
);

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

async function run(steps: Step[]): Promise<void> {
  const relay = new InMemoryRelay();
  const replicas = await openReplicas(relay, REPLICAS);
  for (const r of replicas) r.transport.connect();
  const created = new Set<TaskId>();
  const purged = new Set<TaskId>();

  for (const s of steps) {
    if (s.kind === 'deliver') {
      deliverPicked(relay, s.picks.slice(0, s.count));
      continue;
    }
    const { list, transport } = replicas[s.replica]!;
    const live = list.tasks();
    const all = [...live, ...list.trash()];
    switch (s.kind) {
      case 'create': {
        const after = s.at % 3 === 0 ? null : pick(live, s.at)?.id;
        created.add(list.create({ title: s.title, ...(after !== undefined && { after }) }));
        break;
      }
      case 'type': {
        const task = pick(all, s.task);
        if (!task) break;
        const at = s.at % (task.title.length + 1);
        list.update(task.id, { title: task.title.slice(0, at) + s.text + task.title.slice(at) });
        break;
      }
      case 'erase': {
        const task = pick(all, s.task);
        if (!task || task.title.length === 0) break;
        const at = s.at % task.title.length;
        list.text(task.id, 'title').delete(at, Math.min(s.length, task.title.length - at));
        break;
      }
      case 'toggle': {
        const task = pick(all, s.task);
        if (task) list.update(task.id, { completed: !task.completed });
        break;
      }
      case 'delete': {
        const task = pick(live, s.task);
        if (task) list.delete(task.id);
        break;
      }
      case 'restore': {
        const task = pick(list.trash(), s.task);
        if (task) list.restore(task.id);
        break;
      }
      case 'move': {
        const task = pick(live, s.task);
        const after = s.after % 4 === 0 ? null : pick(live.filter((t) => t.id !== task?.id), s.after)?.id;
        if (task && after !== undefined) list.move(task.id, after);
        break;
      }
      case 'purge': {
        const task = pick(list.trash(), s.task);
        if (task) {
          purged.add(task.id);
          await list.purge(task.id);
        }
        break;
      }
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
  assertConverged(replicas, created, purged);
  await Promise.all(replicas.map((r) => r.concord.close()));
}

function assertConverged(replicas: Replica[], created: Set<TaskId>, purged: Set<TaskId>): void {
  const [first, ...rest] = replicas.map((r) => view(r.list));
  for (const other of rest) expect(other).toEqual(first);
  for (const r of replicas) {
    const ids = [...r.list.tasks(), ...r.list.trash()].map((task) => task.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing duplicated
    const expected = [...created].filter((id) => !purged.has(id)).sort();
    expect([...ids].sort()).toEqual(expected); // nothing lost
    expect(r.transport.status).toMatchObject({ state: 'synced', pendingChanges: 0 });
  }
}

describe('convergence under random histories', () => {
  it('ends with identical replicas, no task lost or duplicated, whatever the delivery order and disconnects', async () => {
    const numRuns = Number(process.env.CONCORD_PROPERTY_RUNS ?? 200);
    // fast-check prints the seed and the shrunk counterexample on failure; replay with { seed, path }.
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), run), { numRuns, verbose: 1 });
  }, 120_000);
});

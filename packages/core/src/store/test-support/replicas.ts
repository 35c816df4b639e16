import type { FieldSpecs } from '../../model/schema/types.js';
import { Concord, type ConcordOptions } from '../../store/concord.js';
import type { TaskList } from '../../store/task-list.js';
import { MemoryPersistence, MemoryPersistenceStore } from '../../persistence/memory-persistence.js';
import { InMemoryRelay, InMemoryTransport } from '../../transport/in-memory.js';

export interface Replica {
  readonly concord: Concord;
  readonly list: TaskList;
  readonly transport: InMemoryTransport;
  readonly storage: MemoryPersistenceStore;
}

/** Opens `count` replicas of one list, each with its own local storage, all on one in-memory relay. */
export async function openReplicas(relay: InMemoryRelay, count: number, listId = 'shared'): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) replicas.push(await openReplica(relay, `user${i}`, listId));
  return replicas;
}

/** The replicas opened on each relay, so `settle` knows whom to wait for. */
const onRelay = new WeakMap<InMemoryRelay, Replica[]>();

export async function openReplica(
  relay: InMemoryRelay,
  userId: string,
  listId = 'shared',
  storage = new MemoryPersistenceStore(),
  options: Pick<ConcordOptions<FieldSpecs>, 'schema' | 'now'> = {},
): Promise<Replica> {
  const transport = new InMemoryTransport(relay);
  const concord = new Concord({ ...options, persistence: new MemoryPersistence(storage), transport, userId, syncTabs: false }) as unknown as Concord;
  const list = await concord.openList(listId);
  const replica = { concord, list, transport, storage };
  onRelay.set(relay, [...(onRelay.get(relay) ?? []), replica]);
  return replica;
}

/** What a person sees: tasks in order with their fields, and the trash. */
export function view(list: TaskList): unknown {
  const show = (task: ReturnType<TaskList['tasks']>[number]) => ({
    id: task.id,
    title: task.title,
    description: task.description,
    completed: task.completed,
  });
  return { live: list.tasks().map(show), trash: list.trash().map(show).sort((a, b) => a.id.localeCompare(b.id)) };
}

/**
 * Delivers messages until the relay has none in flight and every open replica on it has its documents loaded and is
 * `synced` (or `offline`, if disconnected), over two turns in a row (work a turn started, such as a task arriving and
 * being handed to sync, shows in the next). Fails after `timeoutMs` saying which replica did not settle.
 */
export async function settle(relay: InMemoryRelay, { timeoutMs = 5_000 }: { timeoutMs?: number } = {}): Promise<void> {
  const replicas = onRelay.get(relay) ?? [];
  const loaded = new Set<Replica>();
  for (const replica of replicas) void replica.list.documentsLoaded.then(() => loaded.add(replica));
  const deadline = Date.now() + timeoutMs;
  const unsettled = () =>
    replicas.find((replica) => {
      if (replica.list.isClosed) return false;
      const { state } = replica.list.status;
      return !loaded.has(replica) || (state !== 'synced' && state !== 'offline');
    });
  for (let quietTurns = 0; quietTurns < 2; ) {
    await nextTurn();
    relay.deliverAll();
    const waiting = unsettled();
    quietTurns = relay.inFlight === 0 && waiting === undefined ? quietTurns + 1 : 0;
    if (Date.now() > deadline) {
      throw new Error(`replicas did not settle within ${timeoutMs} ms: ${waiting ? `${waiting.transport.status.state} ${JSON.stringify(waiting.list.status)}` : `${relay.inFlight} messages in flight`}`);
    }
  }
}

/** Lets the local work every replica started (loading, storing, handing documents to sync) finish, delivering nothing. */
export async function settleLocally(replicas: readonly Replica[]): Promise<void> {
  await Promise.all(replicas.map(async ({ list }) => {
    if (list.isClosed) return;
    await list.documentsLoaded;
    await list.flush();
  }));
  // Every promise chain those started runs before the next macrotask.
  await nextTurn();
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Delivers `picks.length` queued messages, each the one at `pick % queued` (a fast-check-chosen delivery order). */
export function deliverPicked(relay: InMemoryRelay, picks: readonly number[]): void {
  for (const pick of picks) relay.deliverOne((count) => pick % count);
}

/**
 * Connects every replica and lets everything settle. Twice: answers to what the first round delivered (a sync reply
 * showing a replica what it lacks) are themselves delivered in the second.
 */
export async function reconnectAllAndSettle(relay: InMemoryRelay, replicas: readonly Replica[]): Promise<void> {
  for (const r of replicas) r.transport.connect();
  await settle(relay);
  await settle(relay);
}

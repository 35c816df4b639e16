import { Concord } from '../../store/concord.js';
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

export async function openReplica(
  relay: InMemoryRelay,
  userId: string,
  listId = 'shared',
  storage = new MemoryPersistenceStore(),
): Promise<Replica> {
  const transport = new InMemoryTransport(relay);
  const concord = new Concord({ persistence: new MemoryPersistence(storage), transport, userId, syncTabs: false });
  const list = await concord.openList(listId);
  return { concord, list, transport, storage };
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

/** Lets microtask-deferred work (slot loading, sync hand-off) run. */
export async function settle(relay?: InMemoryRelay): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    relay?.deliverAll();
  }
}

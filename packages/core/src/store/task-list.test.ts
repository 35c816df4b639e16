import { describe, expect, it } from 'vitest';
import { InMemoryRelay } from '../transport/in-memory.js';
import type { Task } from './task-list.js';
import { openReplica, settle, settleLocally, view } from './test-support/replicas.js';

describe('TaskList', () => {
  it('reopens offline with every task, including edits never sent', async () => {
    const relay = new InMemoryRelay();
    const first = await openReplica(relay, 'ann', 'groceries');
    const milk = first.list.create({ title: 'Milk' });
    first.list.create({ title: 'Bread', description: 'wholemeal' });
    first.list.update(milk, { completed: true });
    const before = view(first.list);
    await first.concord.close();

    const reopened = await openReplica(relay, 'ann', 'groceries', first.storage);
    expect(view(reopened.list)).toEqual(before);
    expect(reopened.list.status.state).toBe('offline');
    expect(relay.documents.size).toBe(0); // nothing ever left this replica
  });

  it('notifies subscribers once per burst of changes, local and remote', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    const b = await openReplica(relay, 'b');
    a.transport.connect();
    b.transport.connect();
    await settle(relay);
    const titles = (tasks: readonly Task[]) => tasks.map((task) => task.title);
    const seenByA: string[][] = [];
    const seenByB: string[][] = [];
    a.list.subscribe((tasks) => seenByA.push(titles(tasks)));
    b.list.subscribe((tasks) => seenByB.push(titles(tasks)));

    a.list.create({ title: 'one' });
    a.list.update(a.list.create({ title: 'two' }), { completed: true });
    await settleLocally([a, b]);
    expect(seenByA).toEqual([[], ['one', 'two']]); // the first call, then one for three edits
    relay.deliverAll(); // both new entries of the list, in one turn: not listed while their documents are on the way
    await settleLocally([a, b]);
    expect(seenByB).toEqual([[], []]);
    relay.deliverAll(); // both tasks' documents, in one turn
    await settleLocally([a, b]);
    expect(seenByB).toEqual([[], [], ['one', 'two']]);
    expect(seenByA).toHaveLength(2);
  });

  it('purges a task everywhere and clears its local storage', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    const b = await openReplica(relay, 'b');
    a.transport.connect();
    b.transport.connect();
    const id = a.list.create({ title: 'temporary' });
    await settle(relay);
    expect(b.storage.documents.has(`shared/${id}`)).toBe(true);
    a.list.delete(id);
    await a.list.purge(id);
    await settle(relay);
    expect(a.list.trash()).toEqual([]);
    expect(b.list.trash()).toEqual([]);
    expect(a.storage.documents.has(`shared/${id}`)).toBe(false);
    expect(b.storage.documents.has(`shared/${id}`)).toBe(false);
  });

  it('counts unsaved tasks until the relay confirms them, across a reload', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    a.transport.connect();
    const saved = a.list.create({ title: 'saved' });
    await settle(relay);
    expect(a.list.status).toMatchObject({ state: 'synced', pendingChanges: 0, unsavedTasks: 0 });

    a.transport.disconnect();
    const offlineEdit = a.list.create({ title: 'made offline' }); // its document and its list entry: one task
    a.list.delete(saved); // a change to the list only, attributed to the task it moves to the trash
    await settleLocally([a]);
    expect(a.list.status).toMatchObject({ state: 'offline', unsavedTasks: 2, pendingChanges: 2 });
    await a.concord.close();

    const reloaded = await openReplica(relay, 'a', 'shared', a.storage);
    await reloaded.list.documentsLoaded;
    await settleLocally([reloaded]);
    expect(reloaded.list.status).toMatchObject({ unsavedTasks: 2, pendingChanges: 2 });
    reloaded.transport.connect();
    await settle(relay);
    expect(reloaded.list.status).toMatchObject({ state: 'synced', pendingChanges: 0, unsavedTasks: 0 });
    expect(relay.documents.get(`shared/${offlineEdit}`)?.getText('title').toString()).toBe('made offline');
  });

  it('refuses unknown tasks and use after close with typed errors', async () => {
    const a = await openReplica(new InMemoryRelay(), 'a');
    expect(() => a.list.update('nope' as never, { title: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_TASK' }) as Error);
    expect(() => a.list.update('bad/id' as never, { title: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ID' }) as Error);
    await a.concord.close();
    expect(() => a.list.create({ title: 'late' })).toThrow(expect.objectContaining({ code: 'ERR_LIST_CLOSED' }) as Error);
  });
});

import { describe, expect, it } from 'vitest';
import { InMemoryRelay } from '../transport/in-memory.js';
import type { ListSyncStatus } from './list-status.js';
import { openReplica, settle, settleLocally } from './test-support/replicas.js';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A relay holding a list of `count` titled tasks, written by another replica that then went away. */
async function relayWithList(count: number) {
  const relay = new InMemoryRelay();
  const author = await openReplica(relay, 'author');
  author.transport.connect();
  for (let i = 0; i < count; i++) author.list.create({ title: `task ${i}`, description: 'd', completed: i % 2 === 0 });
  await settle(relay);
  await author.concord.close();
  return relay;
}

describe('a list\u2019s sync status', () => {
  it('is never synced while a task lacks what the relay holds, whatever the delivery order', async () => {
    const relay = await relayWithList(30);
    const fresh = await openReplica(relay, 'fresh');
    expect(fresh.list.status).toMatchObject({ state: 'offline', firstSync: true });
    const seen: ListSyncStatus[] = [];
    fresh.list.on('status', (status) => seen.push(status));
    fresh.transport.connect();
    const holdsEverything = () =>
      fresh.list.tasks().length === 30 &&
      fresh.list.tasks().every((task) => relay.documents.get(`shared/${task.id}`)?.getText('title').toString() === task.title && task.title !== '');
    let deliveries = 0;
    for (let turn = 0; turn < 1_000 && fresh.list.status.state !== 'synced'; turn++) {
      // One message, then whatever work it started; the status must never run ahead of the content.
      if (relay.deliverOne((count) => (turn * 7) % count)) deliveries++;
      await settleLocally([fresh]);
      const status = fresh.list.status;
      if (status.state === 'synced') expect(holdsEverything()).toBe(true);
      else expect(status.progress.documentsSynced).toBeLessThanOrEqual(status.progress.documentsTotal);
    }
    expect(deliveries).toBeGreaterThan(30);
    expect(fresh.list.status).toMatchObject({ state: 'synced', firstSync: false, progress: { documentsTotal: 31, documentsSynced: 31 } });
    expect(holdsEverything()).toBe(true);
    for (const status of seen) if (status.state === 'synced') expect(status.progress.documentsSynced).toBe(31);
    expect(seen.filter((status) => status.firstSync)).not.toHaveLength(0);
  });

  it('remembers a completed first sync across a reload, even of an empty list', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a', 'empty');
    expect(a.list.status.firstSync).toBe(true);
    a.transport.connect();
    await settle(relay);
    expect(a.list.status).toMatchObject({ state: 'synced', firstSync: false });
    await a.concord.close();
    const reloaded = await openReplica(relay, 'a', 'empty', a.storage);
    await reloaded.list.documentsLoaded;
    await settleLocally([reloaded]);
    expect(reloaded.list.status).toMatchObject({ state: 'offline', firstSync: false });
  });

  it('emits at most one status event per event-loop turn, and none when nothing changed', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    a.transport.connect();
    await settle(relay);
    const seen: ListSyncStatus[] = [];
    a.list.on('status', (status) => seen.push(status));
    for (let i = 0; i < 50; i++) a.list.create({ title: `quick ${i}` });
    expect(seen).toHaveLength(0);
    await nextTurn();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ state: 'syncing', unsavedTasks: 50 });
    await settle(relay);
    expect(seen.at(-1)).toMatchObject({ state: 'synced', unsavedTasks: 0 });
    const count = seen.length;
    await nextTurn();
    await nextTurn();
    expect(seen).toHaveLength(count); // nothing changed since

  });

  it('withdraws a synced claim in the turn the connection drops, even right after announcing it', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    const seen: ListSyncStatus[] = [];
    a.list.on('status', (status) => {
      seen.push(status);
      // The connection drops in the very turn the list was announced synced.
      if (status.state === 'synced') a.transport.disconnect();
    });
    a.transport.connect();
    await settle(relay);
    expect(seen.some((status) => status.state === 'synced')).toBe(true);
    // Only microtasks since: no later task may run while the last event still says synced.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(a.list.status.state).not.toBe('synced');
    expect(seen.at(-1)?.state).toBe(a.list.status.state);
  });

  it('counts a task once however many of its parts changed', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    a.transport.connect();
    const [one, two, three] = [a.list.create({ title: 'one' }), a.list.create({ title: 'two' }), a.list.create({ title: 'three' })];
    await settle(relay);
    a.transport.disconnect();
    a.list.update(one, { title: 'one!' });
    a.list.update(one, { completed: true });
    a.list.move(one, null);
    a.list.update(two, { description: 'x' });
    await settleLocally([a]);
    expect(a.list.status).toMatchObject({ unsavedTasks: 2, pendingChanges: 2 });
    a.list.delete(three); // to the trash
    await settleLocally([a]);
    expect(a.list.status).toMatchObject({ unsavedTasks: 3, pendingChanges: 3 });
    a.transport.connect();
    await settle(relay);
    expect(a.list.status).toMatchObject({ state: 'synced', unsavedTasks: 0, pendingChanges: 0 });
  });

  it('counts a task purged online until the relay acknowledged the purge', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    a.transport.connect();
    const id = a.list.create({ title: 'temporary' });
    await settle(relay);
    await a.list.purge(id);
    await settleLocally([a]); // nothing delivered: the purge is on its way
    expect(a.list.status).toMatchObject({ state: 'syncing', unsavedTasks: 1, pendingChanges: 1 });
    await settle(relay);
    expect(a.list.status).toMatchObject({ state: 'synced', unsavedTasks: 0, pendingChanges: 0 });
  });

  it('counts tasks deleted, purged or with text deleted offline, also after a reload, until the relay holds them', async () => {
    const relay = new InMemoryRelay();
    const a = await openReplica(relay, 'a');
    a.transport.connect();
    const [keep, trashed, purged] = [a.list.create({ title: 'keep' }), a.list.create({ title: 'trash' }), a.list.create({ title: 'purge' })];
    await settle(relay);
    a.transport.disconnect();
    a.list.delete(trashed);
    await a.list.purge(purged);
    await settleLocally([a]);
    expect(a.list.status).toMatchObject({ state: 'offline', unsavedTasks: 2, pendingChanges: 2 });
    a.list.text(keep, 'title').delete(0, 1); // a deletion only: no clock moves
    await settleLocally([a]);
    expect(a.list.status).toMatchObject({ state: 'offline', unsavedTasks: 3, pendingChanges: 3 });
    await a.concord.close();

    const reloaded = await openReplica(relay, 'a', 'shared', a.storage);
    await reloaded.list.documentsLoaded;
    await settleLocally([reloaded]);
    expect(reloaded.list.status).toMatchObject({ state: 'offline', unsavedTasks: 3, pendingChanges: 3 });
    reloaded.transport.connect();
    await settle(relay);
    expect(reloaded.list.status).toMatchObject({ state: 'synced', unsavedTasks: 0, pendingChanges: 0 });
    const other = await openReplica(relay, 'b');
    other.transport.connect();
    await settle(relay);
    expect(other.list.tasks().map((task) => [task.id, task.title])).toEqual([[keep, 'eep']]);
    expect(other.list.trash().map((task) => task.id)).toEqual([trashed]);
  });
});

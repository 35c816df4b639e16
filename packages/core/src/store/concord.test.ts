import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import { InMemoryRelay, InMemoryTransport } from '../transport/in-memory.js';
import { WebSocketTransport } from '../transport/websocket-transport.js';
import type { ConcordStatus } from './client-status.js';
import { Concord } from './concord.js';
import { settle } from './test-support/replicas.js';

const nextTurn = () => new Promise((resolve) => setTimeout(resolve, 0));

function client(relay: InMemoryRelay, userId = 'ann') {
  const transport = new InMemoryTransport(relay);
  const concord = new Concord({ transport, persistence: new MemoryPersistence(), userId, syncTabs: false });
  const seen: ConcordStatus[] = [];
  concord.on('status', (status) => seen.push(status));
  return { concord, transport, seen };
}

/** Delivers every message until the client is synced (or offline). */
async function settleClient(relay: InMemoryRelay, concord: Concord): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    relay.deliverAll();
    await nextTurn();
    const { state } = concord.status;
    if (relay.inFlight === 0 && (state === 'synced' || state === 'offline')) return;
  }
  throw new Error(`did not settle: ${JSON.stringify(concord.status)}`);
}

describe('Concord owns the connection', () => {
  it('connects, disconnects by choice and reports online and status across every open list', async () => {
    const relay = new InMemoryRelay();
    const { concord, seen } = client(relay);
    expect(concord.online).toBe(false); // a given transport that starts disconnected
    const groceries = await concord.openList('groceries');
    const chores = await concord.openList('chores');
    await groceries.documentsLoaded;
    await chores.documentsLoaded;
    groceries.create({ title: 'Milk' });
    chores.create({ title: 'Dishes' });
    chores.create({ title: 'Laundry' });
    await groceries.flush();
    await nextTurn();
    expect(concord.status).toMatchObject({ state: 'offline', online: false, lists: 2, unsavedTasks: 3 });

    concord.connect();
    expect(concord.online).toBe(true);
    await settleClient(relay, concord);
    expect(concord.status).toMatchObject({ state: 'synced', online: true, lists: 2, unsavedTasks: 0, pendingChanges: 0, firstSync: false });
    expect(concord.status.progress).toEqual({ documentsTotal: 5, documentsSynced: 5 });
    expect(seen.at(-1)).toEqual(concord.status);
    // Synced only once both lists were: no event claimed it while one list still had changes unconfirmed.
    for (const status of seen) if (status.state === 'synced') expect(status.unsavedTasks).toBe(0);

    concord.disconnect();
    expect(concord.online).toBe(false);
    groceries.create({ title: 'Bread' });
    await groceries.flush();
    await nextTurn();
    expect(concord.status).toMatchObject({ state: 'offline', online: false, unsavedTasks: 1 });
    expect(seen.at(-1)).toMatchObject({ state: 'offline', online: false, unsavedTasks: 1 });

    concord.connect();
    await settleClient(relay, concord);
    expect(concord.status).toMatchObject({ state: 'synced', online: true, unsavedTasks: 0 });
    await concord.close();
  });

  it('is syncing while one list is synced and another is not, and counts lists as they open and close', async () => {
    const relay = new InMemoryRelay();
    const { concord, transport } = client(relay);
    concord.connect();
    const first = await concord.openList('first');
    await settleClient(relay, concord);
    expect(concord.status).toMatchObject({ state: 'synced', lists: 1 });
    const second = await concord.openList('second');
    await second.documentsLoaded;
    second.create({ title: 'new' });
    await second.flush();
    await nextTurn();
    expect(first.status.state).toBe('synced');
    expect(concord.status.state).toBe('syncing');
    await settleClient(relay, concord);
    await second.close();
    await nextTurn();
    expect(concord.status).toMatchObject({ state: 'synced', lists: 1 });
    await concord.close();
    expect(transport.status.state).toBe('offline');
  });

  it('emits one status event per burst of changes, and none when nothing changed', async () => {
    const relay = new InMemoryRelay();
    const { concord, seen } = client(relay);
    const list = await concord.openList('burst');
    await list.documentsLoaded;
    await nextTurn();
    const before = seen.length;
    for (let i = 0; i < 20; i++) list.create({ title: `task ${i}` });
    await list.flush();
    await nextTurn();
    await nextTurn();
    expect(seen.length - before).toBe(1);
    expect(seen.at(-1)).toMatchObject({ unsavedTasks: 20 });
    concord.disconnect(); // already offline by choice: nothing changes
    await nextTurn();
    expect(seen.length - before).toBe(1);
    await concord.close();
  });

  it('builds its own WebSocket transport from a url, offline by choice with connect: false', async () => {
    const concord = new Concord({ url: 'ws://127.0.0.1:9', WebSocket, connect: false, persistence: new MemoryPersistence(), syncTabs: false });
    expect(concord.transport).toBeInstanceOf(WebSocketTransport);
    expect(concord.online).toBe(false);
    expect(concord.status).toMatchObject({ state: 'offline', online: false, lists: 0 });
    await concord.close();
  });

  it('refuses options that cannot work together', () => {
    const transport = new InMemoryTransport(new InMemoryRelay());
    expect(() => new Concord({ url: 'ws://127.0.0.1:1', transport })).toThrow(/either `url`.*or `transport`/);
    expect(() => new Concord({ token: 'secret' })).toThrow(/need `url`/);
    expect(() => new Concord({ url: 'http://127.0.0.1:1' })).toThrow(TypeError);
    const local = new Concord({ persistence: new MemoryPersistence(), syncTabs: false });
    expect(local.online).toBe(false);
    expect(() => local.connect()).toThrow(/no relay/);
  });

  it('keeps working with every option it took before (a local-only client)', async () => {
    const relay = new InMemoryRelay();
    const concord = new Concord({ persistence: new MemoryPersistence(), userId: 'bo', now: () => 42, syncTabs: false });
    const list = await concord.openList('local');
    const id = list.create({ title: 'kept' });
    list.delete(id);
    expect(list.trash()[0]?.deleted).toEqual({ at: 42, by: 'bo' });
    expect(concord.status).toMatchObject({ state: 'offline', online: false, lists: 1 });
    await concord.close();
    await settle(relay);
  });
});

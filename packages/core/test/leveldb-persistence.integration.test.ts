import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { LevelDbPersistence } from '../src/node/leveldb-persistence.js';
import { MemoryPersistence } from '../src/persistence/memory-persistence.js';
import { Concord } from '../src/store/concord.js';
import type { TaskList } from '../src/store/task-list.js';
import { waitFor } from '../src/transport/test-support/wait.js';
import { WebSocketTransport } from '../src/transport/websocket-transport.js';
import { killAllRelays, startRelayProcess } from './support/relay-process.js';

// A Node client on LevelDbPersistence against the REAL relay: offline edits and their pending count outlive a restart.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(killAllRelays);

async function tempDirectory(prefix: string): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

function session(url: string, persistence: LevelDbPersistence | MemoryPersistence, userId: string) {
  const transport = new WebSocketTransport({ url, WebSocket, connectivity: null, backoffBaseMs: 50, backoffCapMs: 500 });
  const concord = new Concord({ transport, persistence, userId, syncTabs: false });
  cleanups.push(() => concord.close());
  return { transport, concord };
}

const synced = (list: TaskList) => () => list.status.state === 'synced' && list.status.pendingChanges === 0;
const titles = (list: TaskList) => list.tasks().map((task) => `${task.completed ? '[x]' : '[ ]'} ${task.title}`);

describe('LevelDbPersistence with the real relay', () => {
  it('keeps offline edits and their pending count across a restart, and syncs them once back online', async () => {
    const relayData = await tempDirectory('concord-relay-');
    const directory = await tempDirectory('concord-node-client-');
    let relay = await startRelayProcess({ dataDir: relayData });
    const port = relay.port;

    const first = session(relay.url, await LevelDbPersistence.open({ directory }), 'bot');
    const list = await first.concord.openList('chores');
    const dishes = list.create({ title: 'Dishes' });
    list.create({ title: 'Laundry' });
    await waitFor(synced(list), { what: 'the first tasks to sync' });

    first.transport.disconnect();
    list.update(dishes, { title: 'Dishes and pans', completed: true });
    list.create({ title: 'Bins' });
    // Two tasks changed: one edited, one created.
    await waitFor(() => list.status.state === 'offline' && list.status.unsavedTasks === 2, { what: 'offline edits to count as unsaved' });
    const pending = list.status.pendingChanges;
    const offlineTitles = titles(list);
    await first.concord.close();

    // Restart with the relay down: everything comes back from the directory alone, still pending.
    await relay.kill();
    const second = session(`ws://127.0.0.1:${port}`, new LevelDbPersistence({ directory }), 'bot');
    const reopened = await second.concord.openList('chores');
    await reopened.documentsLoaded;
    expect(titles(reopened)).toEqual(offlineTitles);
    await waitFor(() => reopened.status.unsavedTasks === 2 && reopened.status.pendingChanges === pending, {
      what: `2 unsaved tasks and ${pending} pending changes after the restart`,
    });
    expect(reopened.status.state).not.toBe('synced');

    relay = await startRelayProcess({ dataDir: relayData, port });
    await waitFor(synced(reopened), { timeoutMs: 15_000, what: 'the restarted client to sync its offline edits' });
    const reader = session(relay.url, new MemoryPersistence(), 'reader');
    const fresh = await reader.concord.openList('chores');
    await waitFor(() => synced(fresh)() && titles(fresh).join() === offlineTitles.join(), { what: 'another client to see the offline edits' });
  });

  it("reports 'synced' only once the relay holds the tasks just created, and a reader's only once it holds them", async () => {
    const relay = await startRelayProcess({ dataDir: await tempDirectory('concord-relay-') });
    const writer = session(relay.url, await LevelDbPersistence.open({ directory: await tempDirectory('concord-node-client-') }), 'bot');
    const list = await writer.concord.openList('errands');
    await waitFor(synced(list), { what: 'the empty list to sync' });
    // Each task's document is bound (a LevelDB read) before the transport knows it: 'synced' must wait for that.
    for (const title of ['Post office', 'Bank', 'Pharmacy']) list.create({ title });
    expect(list.status.state).not.toBe('synced');
    expect(list.status.pendingChanges).toBeGreaterThanOrEqual(3);
    await waitFor(synced(list), { what: 'the new tasks to sync' });
    await writer.concord.close();

    const reader = session(relay.url, new MemoryPersistence(), 'reader');
    const fresh = await reader.concord.openList('errands');
    await waitFor(synced(fresh), { what: 'the reader to sync' });
    expect(titles(fresh).sort()).toEqual(['[ ] Bank', '[ ] Pharmacy', '[ ] Post office']);
  });
});

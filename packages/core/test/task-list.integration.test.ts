import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MemoryPersistence } from '../src/persistence/memory-persistence.js';
import { Concord } from '../src/store/concord.js';
import type { TaskList } from '../src/store/task-list.js';
import { waitFor } from '../src/transport/test-support/wait.js';
import { WebSocketTransport } from '../src/transport/websocket-transport.js';
import { killAllRelays, startRelayProcess } from './support/relay-process.js';
import { CountingProxy } from './support/tcp-proxy.js';

// The whole client (Concord, TaskList, WebSocketTransport) against the REAL relay process and a LevelDB directory.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(killAllRelays);

async function openClient(url: string, userId: string): Promise<TaskList> {
  const transport = new WebSocketTransport({ url, WebSocket, connectivity: null, backoffBaseMs: 100, backoffCapMs: 2_000 });
  const concord = new Concord({ transport, persistence: new MemoryPersistence(), userId, syncTabs: false });
  cleanups.push(() => concord.close());
  return concord.openList('big');
}

const synced = (list: TaskList) => () => list.status.state === 'synced' && list.status.pendingChanges === 0;

describe('a task list against the real relay', () => {
  it('opens a 1,000-task list over exactly one connection', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'concord-list-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const relay = await startRelayProcess({ dataDir });
    cleanups.push(() => relay.kill());

    const author = await openClient(relay.url, 'author');
    for (let i = 0; i < 1000; i++) author.create({ title: `task ${i}`, description: i % 2 ? 'odd' : 'even' });
    await waitFor(synced(author), { timeoutMs: 30_000, what: 'the author to sync 1,000 tasks' });

    const proxy = await CountingProxy.start(relay.port);
    cleanups.push(() => proxy.close());
    const reader = await openClient(proxy.url, 'reader');
    await waitFor(() => synced(reader)() && reader.tasks().length === 1000, { timeoutMs: 30_000, what: 'the reader to hold 1,000 tasks' });
    expect(reader.tasks().map((task) => task.title)).toEqual(author.tasks().map((task) => task.title));
    expect(proxy.connections).toBe(1);
  });
});

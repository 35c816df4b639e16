import { Concord, MemoryPersistence, type TaskList } from '@concord/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRelayProcess, useRelayData } from './support/relay-process.js';
import { waitFor } from './support/wait.js';

/** The client's own record of recent history: versions and a task's history offline, merged with the relay's online. */
const dir = useRelayData();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const LIST = 'groceries';
const synced = (list: TaskList) => waitFor(() => list.status.state === 'synced' && list.status.pendingChanges === 0, 'synced', 15_000);

describe('history offline', () => {
  it('lists versions and a task’s history offline (local and synced changes, after a reload too), merged with the relay’s online', async () => {
    const relay = await startRelayProcess(['--data', `${dir.path}/offline`]);
    closers.push(() => relay.stop());
    const storage = new MemoryPersistence();
    const annConcord = new Concord({ url: relay.url, WebSocket, persistence: storage, userId: 'ann', syncTabs: false });
    closers.push(() => annConcord.close());
    const ann = await annConcord.openList(LIST);
    const milk = ann.create({ title: 'Milk' });
    await synced(ann);
    const bobConcord = new Concord({ url: relay.url, WebSocket, persistence: new MemoryPersistence(), userId: 'bob', syncTabs: false });
    closers.push(() => bobConcord.close());
    const bob = await bobConcord.openList(LIST);
    await waitFor(() => bob.get(milk)?.title === 'Milk', 'bob to see the task', 15_000);
    bob.update(milk, { title: 'Oat milk', completed: true });
    await synced(bob);
    await waitFor(() => ann.get(milk)?.title === 'Oat milk', 'bob’s change on ann', 15_000);

    // Offline: Ann's own record answers, with Bob's synced change and her offline one.
    annConcord.disconnect();
    ann.update(milk, { title: 'Oat milk 2L' });
    const offline = await ann.history(milk);
    expect(offline.map(({ title, completed, by, source }) => ({ title, completed, by, source }))).toEqual([
      { title: 'Milk', completed: false, by: ['ann'], source: 'local' },
      { title: 'Oat milk', completed: true, by: ['bob'], source: 'local' },
      { title: 'Oat milk 2L', completed: true, by: ['ann'], source: 'local' },
    ]);
    const versions = await ann.versions();
    expect(versions.length).toBeGreaterThanOrEqual(3);
    expect(versions.every((version) => version.source === 'local')).toBe(true);
    expect(new Set(versions.flatMap((version) => version.by))).toEqual(new Set(['ann', 'bob']));
    // A version restored offline is written as a local edit, synced later.
    await ann.restoreVersion(milk, offline[0]!);
    expect(ann.get(milk)).toMatchObject({ title: 'Milk', completed: false });

    // After a reload, still offline: the record is stored beside the list.
    await annConcord.close();
    const reloaded = new Concord({ persistence: storage, userId: 'ann', syncTabs: false });
    closers.push(() => reloaded.close());
    const again = await reloaded.openList(LIST);
    await again.documentsLoaded;
    // Ann's two renames within five minutes read as one change, as the activity feed shows them: one version.
    expect((await again.history(milk)).map(({ title, completed }) => [title, completed])).toEqual([
      ['Milk', false],
      ['Oat milk', true],
      ['Milk', false],
    ]);
    await reloaded.close();

    // Online again: the relay's checkpoints come first, the local record adds what they do not have.
    const online = new Concord({ url: relay.url, WebSocket, persistence: storage, userId: 'ann', syncTabs: false });
    closers.push(() => online.close());
    const list = await online.openList(LIST);
    await synced(list);
    await waitFor(() => bob.get(milk)?.title === 'Milk', 'the offline restore to reach bob', 15_000);
    const merged = await list.history(milk);
    expect(merged.some((version) => version.source === 'relay')).toBe(true);
    expect(merged.some((version) => version.source === 'local')).toBe(true);
    expect(merged.at(-1)).toMatchObject({ title: 'Milk', completed: false });
    expect(merged.map((version) => version.at)).toEqual([...merged.map((version) => version.at)].sort((a, b) => a - b));
  });
});

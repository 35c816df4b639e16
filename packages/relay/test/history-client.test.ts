import { Concord, MemoryPersistence, type TaskList } from '@concord/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRelay, type Relay } from '../src/relay.js';
import { MemoryStorage } from '../src/storage/memory-storage.js';
import { waitFor } from './support/wait.js';

/** Clients on core's Concord, against a relay in this process: versions and restores over concord.v1. */
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function relay(): Promise<Relay> {
  const started = await startRelay({ port: 0, host: '127.0.0.1', storage: new MemoryStorage() });
  closers.push(() => started.close());
  return started;
}

async function open(url: string, userId: string): Promise<TaskList> {
  const concord = new Concord({ url, WebSocket, persistence: new MemoryPersistence(), userId, syncTabs: false });
  closers.push(() => concord.close());
  const list = await concord.openList('groceries');
  return list;
}

const synced = (list: TaskList) => waitFor(() => list.status.state === 'synced' && list.status.pendingChanges === 0, 'synced', 10_000);
const titles = (list: TaskList) => list.tasks().map((task) => task.title);

describe('history over concord.v1', () => {
  it('lists versions, restores the list after another user wiped it, and a task to one of its versions', async () => {
    const { url } = await relay();
    const ann = await open(url, 'ann');
    const ids = ['Milk', 'Eggs', 'Tea'].map((title) => ann.create({ title }));
    await synced(ann);
    const before = await ann.versions();
    expect(before.length).toBeGreaterThanOrEqual(1);
    const beforeWipe = before.at(-1)!.at;

    const bob = await open(url, 'bob');
    await waitFor(() => titles(bob).length === 3, 'bob to see the tasks', 10_000);
    bob.update(ids[0]!, { title: 'wiped' });
    for (const id of ids) bob.delete(id);
    await synced(bob);
    await waitFor(() => titles(ann).length === 0, 'the wipe to reach ann', 10_000);

    const after = await ann.versions();
    expect(after.at(-1)!.at).toBeGreaterThan(beforeWipe);
    expect(await ann.restoreTo(beforeWipe)).toBeGreaterThanOrEqual(2);
    for (const list of [ann, bob]) await waitFor(() => titles(list).join() === 'Milk,Eggs,Tea', 'every task back, in order', 10_000);

    // One task, to one of its versions: bob renames Eggs, ann picks the version that said "Eggs".
    bob.update(ids[1]!, { title: 'Eggz' });
    await synced(bob);
    const versions = await ann.history(ids[1]!);
    const eggs = versions.filter((version) => version.title === 'Eggs').at(-1);
    expect(eggs).toBeDefined();
    await ann.restoreVersion(ids[1]!, eggs!);
    await waitFor(() => bob.get(ids[1]!)?.title === 'Eggs', 'the version to reach bob', 10_000);
  });

  it('a replica offline during the restore keeps its edits and converges with it on reconnect', async () => {
    const { url } = await relay();
    const ann = await open(url, 'ann');
    const [milk, eggs] = ['Milk', 'Eggs'].map((title) => ann.create({ title }));
    await synced(ann);
    const cy = new Concord({ url, WebSocket, persistence: new MemoryPersistence(), userId: 'cy', syncTabs: false });
    closers.push(() => cy.close());
    const offline = await cy.openList('groceries');
    await waitFor(() => titles(offline).length === 2 && offline.status.state === 'synced', 'cy to have the list', 10_000);
    const point = (await ann.versions()).at(-1)!.at;
    cy.disconnect();

    ann.update(milk!, { title: 'Oat milk' });
    ann.delete(eggs!);
    await synced(ann);
    offline.update(milk!, { title: 'Milk 2L' }); // typed while offline, after the restore point
    expect(await ann.restoreTo(point)).toBeGreaterThanOrEqual(2);
    await waitFor(() => titles(ann).join() === 'Milk,Eggs', 'the restore on ann', 10_000);

    cy.connect();
    // Cy's typing merges with the restored text; every replica ends the same.
    for (const list of [ann, offline]) await waitFor(() => titles(list).join() === 'Milk 2L,Eggs', 'both replicas to converge', 10_000);
  });

  it('refuses a restore offline with ERR_CONNECTION_CLOSED, and a time before the history starts with the relay’s reason', async () => {
    const { url } = await relay();
    const ann = await open(url, 'ann');
    ann.create({ title: 'Milk' });
    await synced(ann);
    const refused: unknown = await ann.restoreTo(0).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'ERR_UPDATE_REFUSED' });
    expect(String(refused)).toMatch(/no history of groceries/);
    const offline = new Concord({ persistence: new MemoryPersistence(), syncTabs: false });
    closers.push(() => offline.close());
    const local = await offline.openList('groceries');
    await expect(local.restoreTo(Date.now())).rejects.toMatchObject({ code: 'ERR_CONNECTION_CLOSED' });
  });
});

import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelDbPersistence } from '../node/leveldb-persistence.js';
import type { PersistenceAdapter } from '../persistence/persistence.js';
import { Concord } from '../store/concord.js';
import { MemoryPersistence, MemoryPersistenceStore } from '../persistence/memory-persistence.js';
import { SingleDatabasePersistence } from '../persistence/single-database-persistence.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplicas, settle, type Replica } from '../store/test-support/replicas.js';
import type { UndoState } from './undo-types.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function two(): Promise<{ relay: InMemoryRelay; a: Replica; b: Replica }> {
  const relay = new InMemoryRelay();
  const [a, b] = (await openReplicas(relay, 2)) as [Replica, Replica];
  cleanups.push(() => a.concord.close(), () => b.concord.close());
  a.transport.connect();
  b.transport.connect();
  return { relay, a, b };
}

const titles = (replica: { readonly list: Replica['list'] }) => replica.list.tasks().map((task) => task.title);

describe('undo and redo, per action', () => {
  it('undoes a create by moving the task to the trash, and redo brings it back', async () => {
    const { relay, a, b } = await two();
    const id = a.list.create({ title: 'Milk' });
    expect(a.list.undo()).toMatchObject({ action: { kind: 'create', taskIds: [id] }, applied: true });
    expect(titles(a)).toEqual([]);
    expect(a.list.trash().map((task) => task.id)).toEqual([id]);
    await settle(relay);
    expect(titles(b)).toEqual([]);
    expect(a.list.redo()).toMatchObject({ action: { kind: 'create' }, applied: true });
    await settle(relay);
    expect(titles(b)).toEqual(['Milk']);
    expect(a.list.canRedo).toBe(false);
  });

  it('undoes a delete and a restore', async () => {
    const { a } = await two();
    const id = a.list.create({ title: 'Milk' });
    a.list.delete(id);
    expect(a.list.undo()?.action.kind).toBe('delete');
    expect(titles(a)).toEqual(['Milk']);
    a.list.delete(id);
    a.list.restore(id);
    expect(a.list.undo()?.action.kind).toBe('restore');
    expect(a.list.trash().map((task) => task.title)).toEqual(['Milk']);
    expect(a.list.redo()?.action.kind).toBe('restore');
    expect(titles(a)).toEqual(['Milk']);
  });

  it('undoes a move, a completion and an edit, last first, and redoes them in order', async () => {
    const { a } = await two();
    const milk = a.list.create({ title: 'Milk' });
    const eggs = a.list.create({ title: 'Eggs' });
    a.list.move(eggs, null);
    a.list.update(milk, { completed: true });
    a.list.update(milk, { title: 'Oat milk' });
    expect(a.list.undoState.nextUndo?.kind).toBe('edit');
    expect(a.list.undo()?.action.kind).toBe('edit');
    expect(a.list.get(milk)).toMatchObject({ title: 'Milk', completed: true });
    expect(a.list.undo()?.action.kind).toBe('complete');
    expect(a.list.get(milk)?.completed).toBe(false);
    expect(a.list.undo()?.action.kind).toBe('move');
    expect(titles(a)).toEqual(['Milk', 'Eggs']);
    a.list.redo();
    a.list.redo();
    a.list.redo();
    expect(titles(a)).toEqual(['Eggs', 'Oat milk']);
    expect(a.list.get(milk)?.completed).toBe(true);
    expect(a.list.canRedo).toBe(false);
  });

  it('clears what can be redone once a new step is made', async () => {
    const { a } = await two();
    const id = a.list.create({ title: 'Milk' });
    a.list.update(id, { completed: true });
    a.list.undo();
    expect(a.list.canRedo).toBe(true);
    a.list.update(id, { title: 'Bread' });
    expect(a.list.canRedo).toBe(false);
    expect(a.list.redo()).toBeNull();
  });

  it('reports each change of the stacks with an undo event', async () => {
    const { a } = await two();
    const states: UndoState[] = [];
    a.list.on('undo', (state) => states.push(state));
    a.list.create({ title: 'Milk' });
    a.list.undo();
    a.list.redo();
    expect(states.map(({ canUndo, canRedo }) => [canUndo, canRedo])).toEqual([
      [true, false],
      [false, true],
      [true, false],
    ]);
  });
});

describe('undo never takes back another person’s change', () => {
  it('leaves a change made elsewhere alone and undoes the local one only', async () => {
    const { relay, a, b } = await two();
    const id = a.list.create({ title: 'Milk' });
    await settle(relay);
    b.list.update(id, { description: 'two litres' });
    a.list.update(id, { completed: true });
    await settle(relay);
    a.list.undo();
    await settle(relay);
    for (const replica of [a, b]) expect(replica.list.get(id)).toMatchObject({ description: 'two litres', completed: false });
    expect(b.list.canUndo).toBe(true);
    expect(b.list.undo()?.action.kind).toBe('edit');
    await settle(relay);
    expect(a.list.get(id)).toMatchObject({ description: '', completed: false, title: 'Milk' });
  });

  it('undoing a rename someone then edited restores the old text around their edit', async () => {
    const { relay, a, b } = await two();
    const id = a.list.create({ title: 'Milk' });
    await settle(relay);
    a.list.update(id, { title: 'Oat milk' });
    await settle(relay);
    b.list.update(id, { title: 'Oat milk 2L' });
    await settle(relay);
    expect(a.list.undo()).toMatchObject({ action: { kind: 'edit' }, applied: true });
    await settle(relay);
    for (const replica of [a, b]) expect(replica.list.get(id)?.title).toBe('Milk 2L');
  });

  it('a move someone else has overridden since is a step with nothing to undo (applied: false)', async () => {
    const { relay, a, b } = await two();
    const milk = a.list.create({ title: 'Milk' });
    const eggs = a.list.create({ title: 'Eggs' });
    const tea = a.list.create({ title: 'Tea' });
    await settle(relay);
    a.list.move(tea, null);
    await settle(relay);
    b.list.move(tea, milk);
    await settle(relay);
    expect(a.list.undo()).toMatchObject({ action: { kind: 'move' }, applied: false });
    await settle(relay);
    for (const replica of [a, b]) expect(titles(replica)).toEqual(['Milk', 'Tea', 'Eggs']);
    // The step is gone, not waiting to undo the wrong thing: the next undo takes back the create before it.
    expect(a.list.undoState.nextUndo).toMatchObject({ kind: 'create', taskIds: [tea] });
    expect(eggs).toBeDefined();
  });
});

async function openWith(persistence: PersistenceAdapter, options: ConstructorParameters<typeof Concord>[0] = {}) {
  const concord = new Concord({ persistence, syncTabs: false, userId: 'ann', ...options });
  const list = await concord.openList('groceries');
  return { concord, list };
}

/** Adapters that stand for a reload: each call opens the same storage anew. */
const storages: [string, () => Promise<() => PersistenceAdapter>][] = [
  ['memory', () => {
    const store = new MemoryPersistenceStore();
    return Promise.resolve(() => new MemoryPersistence(store));
  }],
  ['one IndexedDB database', () => {
    const databaseName = `concord-undo-${Math.random().toString(36).slice(2)}`;
    return Promise.resolve(() => new SingleDatabasePersistence({ databaseName }));
  }],
  ['Node LevelDB', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'concord-undo-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    return () => new LevelDbPersistence({ directory });
  }],
];

describe.each(storages)('the stack across reloads (%s)', (_label, newStorage) => {
  it('survives a reload, deleted text included, and redo after it', async () => {
    const store = await newStorage();
    const first = await openWith(store());
    const id = first.list.create({ title: 'Semi-skimmed milk' });
    first.list.update(id, { title: 'Milk' });
    first.list.move(id, null);
    await first.concord.close();

    const second = await openWith(store());
    cleanups.push(() => second.concord.close());
    expect(second.list.undoState.nextUndo?.kind).toBe('move');
    second.list.undo();
    expect(second.list.undo()).toMatchObject({ action: { kind: 'edit' }, applied: true });
    expect(second.list.get(id)?.title).toBe('Semi-skimmed milk');
    await second.concord.close();

    const third = await openWith(store());
    cleanups.push(() => third.concord.close());
    expect(third.list.redo()?.action.kind).toBe('edit');
    expect(third.list.get(id)?.title).toBe('Milk');
  });

  it('a list closed right after an undo comes back with the undone change and both stacks', async () => {
    const store = await newStorage();
    const first = await openWith(store());
    const milk = first.list.create({ title: 'Milk' });
    const eggs = first.list.create({ title: 'Eggs' });
    first.list.move(eggs, null);
    first.list.update(milk, { title: 'Oat milk' });
    await first.concord.close();

    // Each time reopened and closed at once, as a person closing the tab right after pressing undo: first a step on a
    // task only, then one on the list's order.
    const second = await openWith(store());
    expect(second.list.undo()?.action.kind).toBe('edit');
    await second.concord.close();

    const third = await openWith(store());
    expect(third.list.undoState).toMatchObject({ nextUndo: { kind: 'move' }, nextRedo: { kind: 'edit' } });
    expect(third.list.undo()?.action.kind).toBe('move');
    await third.concord.close();

    const fourth = await openWith(store());
    cleanups.push(() => fourth.concord.close());
    expect(titles(fourth)).toEqual(['Milk', 'Eggs']);
    expect(fourth.list.undoState).toMatchObject({ nextUndo: { kind: 'create' }, nextRedo: { kind: 'move' } });
    expect(fourth.list.redo()?.action.kind).toBe('move');
    expect(fourth.list.redo()?.action.kind).toBe('edit');
    expect(titles(fourth)).toEqual(['Eggs', 'Oat milk']);
  });

  it('keeps at most `limit` steps, the oldest dropped first', async () => {
    const store = await newStorage();
    const { concord, list } = await openWith(store(), { undo: { limit: 3 } });
    cleanups.push(() => concord.close());
    const id = list.create({ title: 'a' });
    for (const title of ['b', 'c', 'd', 'e']) list.update(id, { title });
    let undone = 0;
    while (list.undo()) undone++;
    expect(undone).toBe(3);
    expect(list.get(id)?.title).toBe('b');
  });
});

/** Adapters two tabs of one browser share: each call is another tab's adapter over the same storage. */
const sharedStorages: [string, () => () => PersistenceAdapter][] = [
  ['memory', () => {
    const store = new MemoryPersistenceStore();
    return () => new MemoryPersistence(store);
  }],
  ['one IndexedDB database', () => {
    const databaseName = `concord-undo-tabs-${Math.random().toString(36).slice(2)}`;
    return () => new SingleDatabasePersistence({ databaseName });
  }],
];

describe.each(sharedStorages)('the same list in two tabs (%s)', (_label, newStorage) => {
  it('each tab has its own stack, a tab opened beside another starts empty, and the last tab closed stores its own', async () => {
    const storage = newStorage();
    const tab = () => openWith(storage(), { syncTabs: true });
    const a = await tab();
    cleanups.push(() => a.concord.close());
    const milk = a.list.create({ title: 'Milk' });
    a.list.update(milk, { title: 'Oat milk' });
    await a.list.flush();

    const b = await tab();
    cleanups.push(() => b.concord.close());
    await expect.poll(() => titles(b)).toEqual(['Oat milk']);
    // Not a copy of tab a's steps: undoing one step in both tabs would put its deleted text back twice.
    expect(b.list.undoState).toMatchObject({ canUndo: false, canRedo: false });
    const eggs = b.list.create({ title: 'Eggs' });
    expect(b.list.undo()).toMatchObject({ action: { kind: 'create', taskIds: [eggs] }, applied: true });
    expect(b.list.redo()?.action.kind).toBe('create');
    await b.list.flush();
    // Tab a writes its stacks last...
    a.list.update(milk, { completed: true });
    await a.list.flush();
    await expect.poll(() => b.list.get(milk)?.completed).toBe(true);
    expect(a.list.undoState.nextUndo?.kind).toBe('complete');
    await a.concord.close();

    // ...while tab b is open, a third tab still finds the list held: it starts empty too, and closing it unchanged
    // stores nothing...
    const c = await tab();
    expect(c.list.canUndo).toBe(false);
    await c.concord.close();

    // ...but tab b, unchanged since, closes last: the stored stack is its own.
    await b.concord.close();

    const reopened = await tab();
    cleanups.push(() => reopened.concord.close());
    expect(reopened.list.undoState).toMatchObject({ nextUndo: { kind: 'create', taskIds: [eggs] }, canRedo: false });
    expect(reopened.list.undo()?.applied).toBe(true);
    expect(reopened.list.canUndo).toBe(false);
    expect(titles(reopened)).toEqual(['Oat milk']);
    expect(reopened.list.get(milk)?.completed).toBe(true);
  });
});

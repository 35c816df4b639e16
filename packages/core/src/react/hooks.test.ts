// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, memo, StrictMode, type ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskId } from '../model/ids.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import { Concord } from '../store/concord.js';
import { openReplica, settle } from '../store/test-support/replicas.js';
import type { TaskList } from '../store/task-list.js';
import { InMemoryRelay, InMemoryTransport } from '../transport/in-memory.js';
import { ConcordProvider, useSyncStatus, useTask, useTaskList } from './hooks.js';

// The hooks with React Testing Library on jsdom, against real Concord clients on an in-memory relay.

// React warns when a state update happens outside act(); these updates come from the client, as in an app.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  cleanup();
  for (const close of closers.splice(0)) await close();
});

function client(relay: InMemoryRelay, userId: string): Concord {
  const concord = new Concord({ transport: new InMemoryTransport(relay), persistence: new MemoryPersistence(), userId, syncTabs: false });
  closers.push(() => concord.close());
  return concord;
}

/** Delivers the relay's messages every turn until `condition` holds. */
async function deliverUntil(relay: InMemoryRelay, condition: () => boolean): Promise<void> {
  await waitFor(() => {
    relay.deliverAll();
    if (!condition()) throw new Error('not yet');
  });
}

const withClient = (concord: Concord, child: ReactNode) => h(StrictMode, null, h(ConcordProvider, { concord }, child));

describe('useTaskList', () => {
  it('shows loading, then the tasks in order, then edits from another client, with first-sync state', async () => {
    const relay = new InMemoryRelay();
    const other = await openReplica(relay, 'other', 'groceries');
    other.transport.connect();
    other.list.create({ title: 'Milk' });
    other.list.create({ title: 'Bread' });
    await settle(relay);

    const concord = client(relay, 'ann');
    function Groceries() {
      const { tasks, loading, firstSync } = useTaskList('groceries');
      if (loading) return h('p', null, 'opening');
      return h('ul', { 'data-first-sync': String(firstSync) }, ...tasks.map((task) => h('li', { key: task.id }, task.title)));
    }
    render(withClient(concord, h(Groceries)));
    expect(screen.getByText('opening')).toBeTruthy();
    await waitFor(() => expect(screen.getByRole('list').getAttribute('data-first-sync')).toBe('true'));
    expect(screen.queryAllByRole('listitem')).toHaveLength(0); // nothing downloaded yet: not "no tasks"

    concord.connect();
    await deliverUntil(relay, () => screen.queryAllByRole('listitem').length === 2 && concord.status.state === 'synced');
    await waitFor(() => expect(screen.getByRole('list').getAttribute('data-first-sync')).toBe('false'));
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Milk', 'Bread']);

    const bread = other.list.tasks()[1]!.id;
    other.list.move(bread, null);
    other.list.update(bread, { title: 'Rye bread' });
    await deliverUntil(relay, () => screen.getAllByRole('listitem')[0]?.textContent === 'Rye bread');
    expect(screen.getAllByRole('listitem').map((item) => item.textContent)).toEqual(['Rye bread', 'Milk']);
  });

  it('renders once per burst of changes, and memoised rows only for their own task', async () => {
    const relay = new InMemoryRelay();
    const concord = client(relay, 'ann');
    const list = await concord.openList('burst');
    await list.documentsLoaded;
    const rowRenders = new Map<string, number>();
    let listRenders = 0;
    const Row = memo(function Row({ list, id }: { list: TaskList; id: TaskId }) {
      const task = useTask(list, id);
      rowRenders.set(task?.title ?? '', (rowRenders.get(task?.title ?? '') ?? 0) + 1);
      return h('li', null, task?.title);
    });
    function Burst() {
      const { tasks, list } = useTaskList('burst');
      listRenders++;
      return list ? h('ul', null, ...tasks.map((task) => h(Row, { key: task.id, list, id: task.id }))) : null;
    }
    render(h(ConcordProvider, { concord }, h(Burst)));
    await waitFor(() => expect(screen.getByRole('list')).toBeTruthy());
    const before = listRenders;

    // The burst changes the tasks (one event a microtask later) and the status (one event at the end of the turn).
    const statusEvent = new Promise((resolve) => list.once('status', resolve));
    act(() => {
      for (let i = 0; i < 20; i++) list.create({ title: `task ${i}` });
    });
    await statusEvent;
    await waitFor(() => expect(screen.getAllByRole('listitem')).toHaveLength(20));
    // React renders a store's change in a microtask: once this turn ends, a second render of the burst would have run.
    await new Promise((resolve) => setImmediate(resolve));
    expect(listRenders - before).toBe(1);

    const first = list.tasks()[0]!.id;
    const rendersOfOthers = () => [...rowRenders].filter(([title]) => title !== 'task 0' && title !== 'renamed').reduce((sum, [, n]) => sum + n, 0);
    const othersBefore = rendersOfOthers();
    list.update(first, { title: 'renamed' });
    await waitFor(() => expect(screen.getAllByRole('listitem')[0]?.textContent).toBe('renamed'));
    expect(rendersOfOthers()).toBe(othersBefore);
  });

  it('reports an invalid list id as an error, not a crash', async () => {
    const concord = client(new InMemoryRelay(), 'ann');
    function Bad() {
      const { error, loading } = useTaskList('not a valid id!');
      return h('p', null, loading ? 'opening' : (error?.message ?? 'none'));
    }
    render(h(ConcordProvider, { concord }, h(Bad)));
    await waitFor(() => expect(screen.getByText(/invalid|valid/i)).toBeTruthy());
  });
});

describe('useSyncStatus', () => {
  it('follows a list and the client through offline, syncing and synced', async () => {
    const relay = new InMemoryRelay();
    const concord = client(relay, 'ann');
    const list = await concord.openList('status');
    function Status() {
      const listStatus = useSyncStatus(list);
      const all = useSyncStatus();
      return h('p', null, `${listStatus.state}/${listStatus.unsavedTasks} ${all.state}/${String(all.online)}`);
    }
    render(h(ConcordProvider, { concord }, h(Status)));
    list.create({ title: 'offline edit' });
    await waitFor(() => expect(screen.getByRole('paragraph').textContent).toBe('offline/1 offline/false'));
    concord.connect();
    await deliverUntil(relay, () => screen.getByRole('paragraph').textContent === 'synced/0 synced/true');
  });
});

describe('useTaskList holds', () => {
  it('closes a list the hooks opened a turn after the last component using it unmounts, never one the app opened', async () => {
    const concord = client(new InMemoryRelay(), 'ann');
    const appList = await concord.openList('kept');
    function Show({ id }: { id: string }) {
      const { list } = useTaskList(id);
      return h('p', null, list ? `${id} open` : 'opening');
    }
    const both = (shown: boolean) => h(StrictMode, null, h(ConcordProvider, { concord }, shown ? [h(Show, { key: 'a', id: 'hooked' }), h(Show, { key: 'b', id: 'hooked' }), h(Show, { key: 'c', id: 'kept' })] : null));
    const view = render(both(true));
    await waitFor(() => expect(screen.getAllByText('hooked open')).toHaveLength(2));
    const hooked = await concord.openList('hooked');
    expect(hooked.isClosed).toBe(false);

    view.rerender(both(false));
    await waitFor(() => expect(hooked.isClosed).toBe(true));
    expect(appList.isClosed).toBe(false);
    expect(concord.isListOpen('hooked')).toBe(false);

    // Mounting again opens a new instance: the closed one is never handed out.
    view.rerender(both(true));
    await waitFor(() => expect(screen.getAllByText('hooked open')).toHaveLength(2));
    expect(await concord.openList('hooked')).not.toBe(hooked);
  });
});

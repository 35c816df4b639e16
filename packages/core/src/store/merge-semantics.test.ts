import { describe, expect, it } from 'vitest';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplicas, settle, view } from './test-support/replicas.js';

/** Two people, one list: each goes offline, edits, and comes back. Every case ends with both seeing the same list. */
async function twoOfflineReplicas() {
  const relay = new InMemoryRelay();
  const [a, b] = await openReplicas(relay, 2);
  a!.transport.connect();
  b!.transport.connect();
  return { relay, a: a!, b: b! };
}

function goOffline(...replicas: Array<{ transport: { disconnect(): void } }>) {
  for (const replica of replicas) replica.transport.disconnect();
}

async function reconnect(relay: InMemoryRelay, ...replicas: Array<{ transport: { connect(): void } }>) {
  for (const replica of replicas) replica.transport.connect();
  await settle(relay);
}

describe('merge semantics', () => {
  it('keeps concurrent edits to different fields of one task', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    const id = a.list.create({ title: 'Buy milk' });
    await settle(relay);
    goOffline(a, b);
    a.list.update(id, { description: 'two litres' });
    b.list.update(id, { completed: true });
    await reconnect(relay, a, b);
    for (const replica of [a, b]) {
      expect(replica.list.get(id)).toMatchObject({ title: 'Buy milk', description: 'two litres', completed: true });
    }
  });

  it('merges two people typing in the same title by character', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    const id = a.list.create({ title: 'Call mum' });
    await settle(relay);
    goOffline(a, b);
    a.list.update(id, { title: 'Call mum today' });
    b.list.update(id, { title: 'Please call mum' });
    await reconnect(relay, a, b);
    expect(a.list.get(id)?.title).toBe('Please call mum today');
    expect(b.list.get(id)?.title).toBe('Please call mum today');
  });

  it('settles concurrent toggles of completed the same everywhere', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    const id = a.list.create({ title: 'Toggle me' });
    await settle(relay);
    goOffline(a, b);
    a.list.update(id, { completed: true });
    b.list.update(id, { completed: false });
    b.list.update(id, { completed: true });
    b.list.update(id, { completed: false });
    await reconnect(relay, a, b);
    expect(a.list.get(id)?.completed).toBe(b.list.get(id)?.completed);
  });

  it('lets delete win over a concurrent edit, and keeps the edit for a restore', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    const id = a.list.create({ title: 'Draft' });
    await settle(relay);
    goOffline(a, b);
    a.list.delete(id);
    b.list.update(id, { title: 'Draft, edited', completed: true });
    await reconnect(relay, a, b);
    for (const replica of [a, b]) {
      expect(replica.list.tasks().map((task) => task.id)).not.toContain(id);
      expect(replica.list.trash()).toMatchObject([{ id, title: 'Draft, edited', completed: true, deleted: { by: 'user0' } }]);
    }
    b.list.restore(id);
    await settle(relay);
    expect(a.list.tasks()).toMatchObject([{ id, title: 'Draft, edited', completed: true }]);
  });

  it('shows concurrent creates on both sides, in the same order', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    a.list.create({ title: 'first' });
    await settle(relay);
    goOffline(a, b);
    a.list.create({ title: 'from a' });
    b.list.create({ title: 'from b' });
    await reconnect(relay, a, b);
    expect(a.list.tasks()).toHaveLength(3);
    expect(view(a.list)).toEqual(view(b.list));
  });

  it('never duplicates or drops a task moved concurrently', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    const ids = ['one', 'two', 'three', 'four'].map((title) => a.list.create({ title }));
    await settle(relay);
    goOffline(a, b);
    a.list.move(ids[0]!, ids[2]!); // one after three
    b.list.move(ids[0]!, ids[3]!); // one after four
    b.list.move(ids[1]!, null); // two to the top
    await reconnect(relay, a, b);
    const order = a.list.tasks().map((task) => task.id);
    expect(order).toEqual(b.list.tasks().map((task) => task.id));
    expect([...order].sort()).toEqual([...ids].sort());
  });

  it('orders tasks created at the same spot on two replicas identically (tie-break on id)', async () => {
    const { relay, a, b } = await twoOfflineReplicas();
    goOffline(a, b);
    // Both lists are empty, so both creates pick the very same first key.
    const x = a.list.create({ title: 'x' });
    const y = b.list.create({ title: 'y' });
    await reconnect(relay, a, b);
    expect(a.list.get(x)?.order).toBe(b.list.get(y)?.order);
    expect(a.list.tasks().map((task) => task.id)).toEqual([x, y].sort());
    // Moving between two tasks that share a key still lands exactly there.
    const z = a.list.create({ title: 'z' });
    a.list.move(z, [x, y].sort()[0]!);
    await settle(relay);
    expect(b.list.tasks().map((task) => task.id)).toEqual([[x, y].sort()[0], z, [x, y].sort()[1]]);
  });
});

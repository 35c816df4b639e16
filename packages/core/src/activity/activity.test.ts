import { describe, expect, it } from 'vitest';
import { openReplica, openReplicas, settle, view, type Replica } from '../store/test-support/replicas.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import type { ActivityEvent } from './events.js';

async function connected(count: number) {
  const relay = new InMemoryRelay();
  const replicas = await openReplicas(relay, count);
  for (const replica of replicas) replica.transport.connect();
  await settle(relay);
  return { relay, replicas };
}

const offline = (...replicas: Replica[]) => replicas.forEach((replica) => replica.transport.disconnect());

/** Reconnects the replicas one at a time, in the given order, letting each sync before the next. */
async function reconnectInOrder(relay: InMemoryRelay, replicas: Replica[]) {
  for (const replica of replicas) {
    replica.transport.connect();
    await settle(relay);
  }
}

function brief(events: readonly ActivityEvent[]) {
  return events.map((event) => `${event.kind} ${event.by?.user ?? '?'}`);
}

describe('a list arriving in bulk', () => {
  it('derives every task of a big batch, in idle slices and in full whenever the feed is read', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    offline(bob);
    for (let i = 0; i < 150; i++) ann.list.create({ title: `task ${i}` });
    await settle(relay);
    bob.transport.connect();
    await settle(relay);
    expect(bob.list.tasks()).toHaveLength(150);
    // Read at once, before any idle slice ran: the feed derives what is left.
    const created = bob.list.activity().filter((event) => event.kind === 'created');
    expect(created.map((event) => event.title).sort()).toEqual(Array.from({ length: 150 }, (_, i) => `task ${i}`).sort());
    expect(new Set(created.map((event) => event.by?.user))).toEqual(new Set(['user0']));
  });
});

describe('who did what', () => {
  it('attributes creating, updating, completing and deleting to the user of the writing replica, on every replica', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const id = ann.list.create({ title: 'Apples' });
    await settle(relay);
    bob.list.update(id, { completed: true });
    await settle(relay);
    for (const replica of [ann, bob]) {
      expect(replica.list.get(id)).toMatchObject({
        createdBy: { user: 'user0', verified: false },
        updatedBy: { user: 'user1', verified: false },
        completedBy: { user: 'user1', verified: false },
      });
      expect(replica.list.get(id)?.completedAt).toBeGreaterThan(0);
    }
    ann.list.delete(id);
    await settle(relay);
    expect(bob.list.trash()[0]).toMatchObject({ deletedBy: { user: 'user0' } });
    expect(bob.list.trash()[0]?.deletedAt).toBeGreaterThan(0);
  });

  it('keeps attribution readable after a restart with no network', async () => {
    const relay = new InMemoryRelay();
    const ann = await openReplica(relay, 'ann');
    const id = ann.list.create({ title: 'Bread' });
    ann.list.update(id, { completed: true });
    await ann.concord.close();
    const again = await openReplica(relay, 'someone-else', 'shared', ann.storage);
    await again.list.documentsLoaded;
    expect(again.list.get(id)).toMatchObject({ createdBy: { user: 'ann' }, completedBy: { user: 'ann' } });
  });

  it('ignores a claim written under another client id', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const id = ann.list.create({ title: 'Milk' });
    await settle(relay);
    const annClient = ann.list.text(id, 'title').doc!.clientID;
    // Bob's replica writes a claim for Ann's client id: it names Bob as the author of Ann's writes.
    bob.list.text(id, 'title').doc!.getMap('authors').set(String(annClient), 'user1');
    await settle(relay);
    expect(ann.list.get(id)?.createdBy).toEqual({ user: 'user0', verified: false });
    expect(bob.list.activity().find((event) => event.kind === 'created')?.by?.user).not.toBe('user1');
  });
});

describe('activity', () => {
  it('names every kind of change with its user, on the replica that made it and on the other', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const first = ann.list.create({ title: 'Cheese' });
    const second = ann.list.create({ title: 'Milk' });
    await settle(relay);
    bob.list.update(first, { title: 'Brie' });
    bob.list.update(first, { description: 'soft' });
    bob.list.update(first, { completed: true });
    await settle(relay);
    ann.list.update(first, { completed: false });
    await settle(relay);
    ann.list.move(second, null);
    await settle(relay);
    bob.list.delete(first);
    await settle(relay);
    ann.list.restore(first);
    await settle(relay);
    await bob.list.purge(second);
    await settle(relay);
    const expected = [
      'created user0',
      'created user0',
      'renamed user1',
      'description-edited user1',
      'completed user1',
      'reopened user0',
      'moved user0',
      'deleted user1',
      'restored user0',
    ];
    for (const replica of [ann, bob]) expect(brief(replica.list.activity()).slice(0, expected.length)).toEqual(expected);
    expect(bob.list.activity().at(-1)).toMatchObject({ kind: 'purged', by: { user: 'user1' }, title: 'Milk' });
    expect(ann.list.activity().at(-1)).toMatchObject({ kind: 'purged', title: 'Milk' });
    expect(ann.list.activity().find((event) => event.kind === 'renamed')).toMatchObject({ from: 'Cheese', to: 'Brie', title: 'Brie' });
  });

  it('reads one rename from a burst of keystrokes, and what is new since a stored cursor', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const id = ann.list.create({ title: 'Mil' });
    await settle(relay);
    const seen = bob.list.activityCursor;
    for (const title of ['Milk', 'Milk ', 'Milk x', 'Milk x2']) {
      ann.list.update(id, { title });
      await settle(relay);
    }
    expect(brief(bob.list.activity({ since: seen }))).toEqual(['renamed user0']);
    expect(bob.list.activity({ since: seen })[0]).toMatchObject({ from: 'Mil', to: 'Milk x2' });
    expect(bob.list.activity({ since: bob.list.activityCursor })).toEqual([]);
    expect(bob.list.activity({ taskId: id }).map((event) => event.kind)).toEqual(['created', 'renamed']);
  });

  it('keeps the feed across a restart, and adds what arrived while closed', async () => {
    const relay = new InMemoryRelay();
    const ann = await openReplica(relay, 'ann');
    const bob = await openReplica(relay, 'bob');
    ann.transport.connect();
    bob.transport.connect();
    const id = ann.list.create({ title: 'Eggs' });
    await settle(relay);
    const cursor = bob.list.activityCursor;
    await bob.concord.close();
    ann.list.update(id, { completed: true });
    await settle(relay);
    const again = await openReplica(relay, 'bob', 'shared', bob.storage);
    await again.list.documentsLoaded;
    expect(again.list.activity().map((event) => event.kind)).toEqual(['created']);
    again.transport.connect();
    await settle(relay);
    expect(again.list.activity({ since: cursor })).toMatchObject([{ kind: 'completed', by: { user: 'ann' }, title: 'Eggs' }]);
  });
});

describe('resolutions', () => {
  for (const order of ['deleter first', 'completer first'] as const) {
    it(`names a deletion that had not seen a completion made offline (${order} back online)`, async () => {
      const { relay, replicas } = await connected(3);
      const [ann, bob, cat] = replicas as [Replica, Replica, Replica];
      const id = ann.list.create({ title: 'Apples' });
      await settle(relay);
      offline(ann, bob);
      ann.list.update(id, { completed: true });
      bob.list.delete(id);
      await reconnectInOrder(relay, order === 'deleter first' ? [bob, ann] : [ann, bob]);
      for (const replica of [ann, bob, cat]) {
        const found = replica.list.activity().filter((event) => event.kind === 'deleted-unseen-change');
        expect(found).toMatchObject([
          { kind: 'deleted-unseen-change', change: 'completed', title: 'Apples', by: { user: 'user1' }, changedBy: { user: 'user0' } },
        ]);
      }
      expect(new Set([ann, bob, cat].map((r) => r.list.activity().find((e) => e.kind === 'deleted-unseen-change')!.id)).size).toBe(1);
      cat.list.restore(id);
      await settle(relay);
      for (const replica of [ann, bob, cat]) expect(replica.list.get(id)).toMatchObject({ completed: true, title: 'Apples' });
      expect(view(ann.list)).toEqual(view(bob.list));
    });
  }

  it('names no conflict when the deleter had seen the completion', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const id = ann.list.create({ title: 'Apples' });
    ann.list.update(id, { completed: true });
    await settle(relay);
    bob.list.delete(id);
    await settle(relay);
    for (const replica of [ann, bob]) expect(replica.list.activity().some((event) => event.kind === 'deleted-unseen-change')).toBe(false);
  });

  for (const order of ['ann first', 'bob first'] as const) {
    it(`names a move that a concurrent move superseded, and can make it again (${order} back online)`, async () => {
      const { relay, replicas } = await connected(3);
      const [ann, bob, cat] = replicas as [Replica, Replica, Replica];
      const ids = ['Bread', 'Milk', 'Eggs', 'Tea'].map((title) => ann.list.create({ title }));
      const milk = ids[1]!;
      await settle(relay);
      offline(ann, bob);
      ann.list.move(milk, null);
      bob.list.move(milk, ids[3]!);
      await reconnectInOrder(relay, order === 'ann first' ? [ann, bob] : [bob, ann]);
      const found = [ann, bob, cat].map((replica) => replica.list.activity().filter((event) => event.kind === 'move-superseded'));
      for (const events of found) expect(events).toHaveLength(1);
      const withoutSeq = found.map((events) => events.map(({ seq: _seq, ...event }) => event));
      expect(withoutSeq[1]).toEqual(withoutSeq[0]);
      expect(withoutSeq[2]).toEqual(withoutSeq[0]);
      const superseded = found[0]![0]!;
      if (superseded.kind !== 'move-superseded') throw new Error('unreachable');
      expect(superseded.title).toBe('Milk');
      expect([superseded.by?.user, superseded.supersededBy?.user].sort()).toEqual(['user0', 'user1']);
      const loser = superseded.by?.user === 'user0' ? ann : bob;
      const shownFirst = ann.list.tasks()[0]!.id === milk;
      // The winner's place is where every replica shows Milk now.
      expect(shownFirst).toBe(superseded.by?.user === 'user1');
      loser.list.moveToOrder(milk, superseded.lostOrder);
      await settle(relay);
      expect(ann.list.tasks()[0]!.id === milk).toBe(!shownFirst);
      expect(view(ann.list)).toEqual(view(bob.list));
      expect(view(cat.list)).toEqual(view(bob.list));
    });
  }

  it('names no conflict for moves made one after the other', async () => {
    const { relay, replicas } = await connected(2);
    const [ann, bob] = replicas as [Replica, Replica];
    const ids = ['Bread', 'Milk', 'Eggs'].map((title) => ann.list.create({ title }));
    await settle(relay);
    ann.list.move(ids[1]!, null);
    await settle(relay);
    bob.list.move(ids[1]!, ids[2]!);
    await settle(relay);
    for (const replica of [ann, bob]) expect(replica.list.activity().filter((event) => event.kind === 'move-superseded')).toEqual([]);
  });
});

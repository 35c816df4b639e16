import { describe, expect, it } from 'vitest';
import { openReplicas, settle, type Replica } from '../store/test-support/replicas.js';
import { InMemoryRelay } from '../transport/in-memory.js';

describe('text-conflict resolutions', () => {
  for (const order of ['ann first', 'bob first'] as const) {
    it(`names both renames of one title, the version shown and the other, the same on every replica (${order} back online)`, async () => {
      const relay = new InMemoryRelay();
      const replicas = await openReplicas(relay, 3);
      for (const replica of replicas) replica.transport.connect();
      const [ann, bob, cat] = replicas as [Replica, Replica, Replica];
      const id = ann.list.create({ title: 'Cheese' });
      await settle(relay);
      ann.transport.disconnect();
      bob.transport.disconnect();
      ann.list.update(id, { title: 'Gouda' });
      bob.list.update(id, { title: 'Brie' });
      for (const replica of order === 'ann first' ? [ann, bob] : [bob, ann]) {
        replica.transport.connect();
        await settle(relay);
      }
      const shown = ann.list.get(id)!.title;
      expect(['Gouda', 'Brie']).toContain(shown);
      for (const replica of [ann, bob, cat]) {
        expect(replica.list.get(id)!.title).toBe(shown);
        const conflicts = replica.list.activity().filter((event) => event.kind === 'text-conflict');
        expect(conflicts).toHaveLength(1);
        const conflict = conflicts[0]!;
        if (conflict.kind !== 'text-conflict') throw new Error('unreachable');
        const other = shown === 'Gouda' ? { text: 'Brie', user: 'user1' } : { text: 'Gouda', user: 'user0' };
        expect(conflict.shown).toMatchObject({ text: shown, by: { user: shown === 'Gouda' ? 'user0' : 'user1' } });
        if (replica === cat) expect(conflict.from).toBe('Cheese');
        expect(conflict.alternatives).toMatchObject([{ text: other.text, by: { user: other.user } }]);
      }
    });
  }

  it('names no conflict when both typed the same title', async () => {
    const relay = new InMemoryRelay();
    const [ann, bob] = (await openReplicas(relay, 2)) as [Replica, Replica];
    ann.transport.connect();
    bob.transport.connect();
    const id = ann.list.create({ title: 'Cheese' });
    await settle(relay);
    ann.transport.disconnect();
    bob.transport.disconnect();
    ann.list.update(id, { title: 'Gouda' });
    bob.list.update(id, { title: 'Gouda' });
    ann.transport.connect();
    bob.transport.connect();
    await settle(relay);
    for (const replica of [ann, bob]) {
      expect(replica.list.get(id)!.title).toBe('Gouda');
      expect(replica.list.activity().some((event) => event.kind === 'text-conflict')).toBe(false);
    }
  });
});

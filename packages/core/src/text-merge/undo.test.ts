import { afterEach, describe, expect, it } from 'vitest';
import { openReplicas, settle, type Replica } from '../store/test-support/replicas.js';
import { InMemoryRelay } from '../transport/in-memory.js';

const open: Replica[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((replica) => replica.concord.close()));
});

describe('undo of a text edit that won a collision', () => {
  it('shows the text as it was before the edit everywhere, not the other version with the undone one mixed in', async () => {
    const relay = new InMemoryRelay();
    const [ann, bob] = (await openReplicas(relay, 2)) as [Replica, Replica];
    open.push(ann, bob);
    ann.transport.connect();
    bob.transport.connect();
    const id = ann.list.create({ title: 'Cheese' });
    await settle(relay);
    ann.transport.disconnect();
    bob.transport.disconnect();
    ann.list.update(id, { title: 'Gouda' });
    bob.list.update(id, { title: 'Brie' }); // later: shown
    ann.transport.connect();
    bob.transport.connect();
    await settle(relay);
    expect(ann.list.get(id)?.title).toBe('Brie');
    bob.list.undo();
    await settle(relay);
    // The undo takes back Bob's rename; Ann's rename still lost the collision to it.
    expect(bob.list.get(id)?.title).toBe('Cheese');
    expect(ann.list.get(id)?.title).toBe('Cheese');
    expect(ann.list.get(id)?.alternatives).toEqual(bob.list.get(id)?.alternatives);
  });
});

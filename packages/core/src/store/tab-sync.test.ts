import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPersistence, MemoryPersistenceStore } from '../persistence/memory-persistence.js';
import { Concord } from './concord.js';

const open: Concord[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((concord) => concord.close()));
});

/** Two tabs of one browser: one local store, no relay. */
async function twoTabs(listId: string) {
  const store = new MemoryPersistenceStore();
  const tab = async () => {
    const concord = new Concord({ persistence: new MemoryPersistence(store), syncTabs: true });
    open.push(concord);
    return concord.openList(listId);
  };
  return [await tab(), await tab()] as const;
}

describe('tabs of one browser', () => {
  it('see each other\u2019s edits with no relay', async () => {
    const [a, b] = await twoTabs('tabs-live');
    const id = a.create({ title: 'from tab a' });
    await expect.poll(() => b.get(id)?.title).toBe('from tab a');
    b.update(id, { completed: true, title: 'from tab a, then b' });
    await expect.poll(() => a.get(id)).toMatchObject({ completed: true, title: 'from tab a, then b' });
    b.move(b.create({ title: 'second' }), null);
    await expect.poll(() => a.tasks().map((task) => task.title)).toEqual(['second', 'from tab a, then b']);
  });

  it('keeps lists apart', async () => {
    const [a, b] = await twoTabs('tabs-one');
    const [c] = await twoTabs('tabs-two');
    a.create({ title: 'only in one' });
    await expect.poll(() => b.tasks().map((task) => task.title)).toEqual(['only in one']);
    // A round trip on list one's channel after that: anything posted to c would have arrived by now.
    b.create({ title: 'reply' });
    await expect.poll(() => a.tasks().length).toBe(2);
    expect(c.tasks()).toEqual([]);
  });
});

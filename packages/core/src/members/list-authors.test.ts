import { describe, expect, it } from 'vitest';
import { defineSchema } from '../model/schema/define.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplica, settle } from '../store/test-support/replicas.js';

describe('TaskList.authors', () => {
  it('names everyone who created, edited, completed, moved or deleted, with their latest change; not who only read', async () => {
    const relay = new InMemoryRelay();
    let clock = 1_000;
    const now = () => clock;
    const ann = await openReplica(relay, 'ann', 'shared', undefined, { now });
    const bob = await openReplica(relay, 'bob', 'shared', undefined, { now });
    const cy = await openReplica(relay, 'cy', 'shared', undefined, { now });
    const dee = await openReplica(relay, 'dee', 'shared', undefined, { now });
    const reader = await openReplica(relay, 'reader', 'shared', undefined, { now });
    for (const replica of [ann, bob, cy, dee, reader]) replica.transport.connect();
    const first = ann.list.create({ title: 'first' });
    const second = ann.list.create({ title: 'second' });
    await settle(relay);
    clock = 2_000;
    bob.list.update(first, { completed: true });
    clock = 3_000;
    cy.list.move(second, null);
    clock = 4_000;
    dee.list.delete(first);
    await settle(relay);

    for (const replica of [ann, reader]) {
      expect(replica.list.authors()).toEqual([
        { user: 'dee', verified: false, lastChangeAt: 4_000 },
        { user: 'cy', verified: false, lastChangeAt: 3_000 },
        { user: 'bob', verified: false, lastChangeAt: 2_000 },
        { user: 'ann', verified: false, lastChangeAt: 1_000 },
      ]);
    }
  });

  it('follows the change event: a new writer shows once their change arrives, and the same array is returned until then', async () => {
    const relay = new InMemoryRelay();
    const ann = await openReplica(relay, 'ann');
    const bob = await openReplica(relay, 'bob');
    ann.transport.connect();
    bob.transport.connect();
    ann.list.create({ title: 'mine' });
    await settle(relay);
    const before = bob.list.authors();
    expect(before.map((author) => author.user)).toEqual(['ann']);
    expect(bob.list.authors()).toBe(before);
    expect(ann.list.authors().map((author) => author.user)).toEqual(['ann']);
    bob.list.create({ title: 'yours' });
    await settle(relay);
    expect(ann.list.authors().map((author) => author.user).sort()).toEqual(['ann', 'bob']);
  });

  it('a replica that only opened the list is no author, though it recorded its schema version there', async () => {
    const relay = new InMemoryRelay();
    const v2 = defineSchema({ version: 2, fields: { urgent: { type: 'boolean' } } });
    const ann = await openReplica(relay, 'ann', 'shared', undefined, { schema: v2 });
    const reader = await openReplica(relay, 'reader', 'shared', undefined, { schema: v2 });
    await Promise.all([ann.list.documentsLoaded, reader.list.documentsLoaded]);
    ann.transport.connect();
    reader.transport.connect();
    ann.list.create({ title: 'mine' });
    await settle(relay);
    expect(ann.list.doc.getMap('schemaVersions').get('2')).toBe(true);
    expect(ann.list.authors().map((author) => author.user)).toEqual(['ann']);
  });
});

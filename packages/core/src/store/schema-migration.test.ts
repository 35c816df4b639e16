import { describe, expect, it } from 'vitest';
import { defineSchema } from '../model/schema/define.js';
import type { ListSchemaInfo } from './schema-upgrade.js';
import { MemoryPersistenceStore } from '../persistence/memory-persistence.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplica, settle, settleLocally } from './test-support/replicas.js';

const v1 = defineSchema({ fields: { urgent: { type: 'boolean' }, tags: { type: 'set' } } });
const v2 = defineSchema({
  version: 2,
  fields: { urgent: { type: 'boolean' }, tags: { type: 'set' }, priority: { type: 'enum', values: ['low', 'medium', 'high'] }, due: { type: 'date' } },
  migrate: { 2: (task) => ({ ...task, priority: task.urgent ? 'high' : 'medium' }) },
});

describe('schema versions and migrations', () => {
  it('migrates each task once on the first replica with the newer code, and the list records the version', async () => {
    const relay = new InMemoryRelay();
    const old = await openReplica(relay, 'ann', 'shared', new MemoryPersistenceStore(), { schema: v1 });
    old.transport.connect();
    const urgent = old.list.create({ title: 'urgent one', urgent: true } as never);
    const calm = old.list.create({ title: 'calm one' });
    await settle(relay);
    const storage = new MemoryPersistenceStore();
    const fresh = await openReplica(relay, 'bob', 'shared', storage, { schema: v2 });
    fresh.transport.connect();
    await settle(relay);
    for (const list of [fresh.list]) {
      expect(list.get(urgent)).toMatchObject({ priority: 'high', urgent: true });
      expect(list.get(calm)).toMatchObject({ priority: 'medium' });
    }
    expect(fresh.list.schema).toEqual({ version: 2, highestSeen: 2, newer: false });
    expect([...fresh.list.doc.getMap('schemaVersions').keys()]).toEqual(['2']);
    // Once migrated, a reopen migrates nothing again: a user's later change stays.
    fresh.list.update(calm, { priority: 'low' } as never);
    await settle(relay);
    await fresh.concord.close();
    const again = await openReplica(relay, 'bob', 'shared', storage, { schema: v2 });
    again.transport.connect();
    await settle(relay);
    expect(again.list.get(calm)).toMatchObject({ priority: 'low' });
  });

  it('older code keeps working on a list written by newer code: known fields shown, new ones kept, newer version told', async () => {
    const relay = new InMemoryRelay();
    const newer = await openReplica(relay, 'bob', 'shared', new MemoryPersistenceStore(), { schema: v2 });
    const old = await openReplica(relay, 'ann', 'shared', new MemoryPersistenceStore(), { schema: v1 });
    const told: ListSchemaInfo[] = [];
    old.list.on('newerSchema', (info) => told.push(info));
    newer.transport.connect();
    old.transport.connect();
    const id = newer.list.create({ title: 'new', tags: ['a'], priority: 'high', due: '2026-12-24' } as never);
    await settle(relay);
    expect(old.list.get(id)).toMatchObject({ title: 'new', tags: ['a'] });
    expect(old.list.get(id)).not.toHaveProperty('priority');
    expect(old.list.schema).toEqual({ version: 1, highestSeen: 2, newer: true });
    expect(told).toEqual([{ version: 1, highestSeen: 2, newer: true }]);
    old.list.update(id, { title: 'edited by old code', tags: ['a', 'b'], urgent: true } as never);
    await settle(relay);
    expect(newer.list.get(id)).toMatchObject({ title: 'edited by old code', tags: ['a', 'b'], urgent: true, priority: 'high', due: '2026-12-24' });
    // The old replica never migrates back nor records its own version over the newer one.
    expect([...newer.list.doc.getMap('schemaVersions').keys()]).toEqual(['2']);
  });

  it('reports a migration that throws and leaves the task at its version', async () => {
    const relay = new InMemoryRelay();
    const storage = new MemoryPersistenceStore();
    const old = await openReplica(relay, 'ann', 'shared', storage, { schema: v1 });
    const id = old.list.create({ title: 't' });
    await old.list.flush();
    await old.concord.close();
    const broken = defineSchema({ ...v2, migrate: { 2: () => ({ priority: 'urgent' }) } });
    const errors: Error[] = [];
    const replica = await openReplica(relay, 'ann', 'shared', storage, { schema: broken });
    replica.list.on('error', (error) => errors.push(error));
    await settleLocally([replica]);
    expect(errors.map((error) => error.message)).toEqual(['invalid task field "priority": not one of low, medium, high']);
    expect(replica.list.get(id)).not.toHaveProperty('priority');
  });
});

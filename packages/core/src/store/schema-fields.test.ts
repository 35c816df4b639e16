import { describe, expect, it } from 'vitest';
import { ConcordErrorCode, InvalidFieldError } from '../errors/concord-error.js';
import { defineSchema } from '../model/schema/define.js';
import type { FieldSpecs, Schema } from '../model/schema/types.js';
import { MemoryPersistenceStore } from '../persistence/memory-persistence.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { Concord } from './concord.js';
import type { InvalidFieldReport, TaskList } from './task-list.js';
import { openReplica, settle, type Replica } from './test-support/replicas.js';

const fields = {
  due: { type: 'date' },
  note: { type: 'string', maxLength: 20 },
  estimate: { type: 'number', min: 0, integer: true },
  urgent: { type: 'boolean' },
  priority: { type: 'enum', values: ['low', 'medium', 'high'] },
  assignee: { type: 'user' },
  tags: { type: 'set' },
  votes: { type: 'counter' },
  notes: { type: 'text' },
} as const satisfies FieldSpecs;
const schema = defineSchema({ fields });

type Typed = TaskList<typeof fields>;

/** Two replicas with the schema and pinned clocks, online and settled; `clock.a`/`clock.b` set each one's time. */
async function twoReplicas(schemas: { a?: Schema; b?: Schema } = {}) {
  const relay = new InMemoryRelay();
  const clock = { a: 1_000, b: 1_000 };
  const a = await openReplica(relay, 'ann', 'shared', new MemoryPersistenceStore(), { schema: schemas.a ?? schema, now: () => clock.a });
  const b = await openReplica(relay, 'bob', 'shared', new MemoryPersistenceStore(), { schema: schemas.b ?? schema, now: () => clock.b });
  a.transport.connect();
  b.transport.connect();
  return { relay, a, b, clock, listA: a.list as unknown as Typed, listB: b.list as unknown as Typed };
}

async function offlineThenBack(relay: InMemoryRelay, replicas: Replica[], edits: () => void): Promise<void> {
  await settle(relay);
  for (const replica of replicas) replica.transport.disconnect();
  edits();
  for (const replica of replicas) replica.transport.connect();
  await settle(relay);
}

describe('declared fields merge by their type on two replicas', () => {
  const registers = [
    ['date', 'due', '2026-12-01', '2026-12-24'],
    ['string', 'note', 'call first', 'email first'],
    ['number', 'estimate', 3, 8],
    ['boolean', 'urgent', true, false],
    ['enum', 'priority', 'low', 'high'],
    ['user', 'assignee', 'ann', 'bob'],
  ] as const;
  for (const [type, field, early, late] of registers) {
    it(`${type}: concurrent sets settle on the later edit everywhere, whichever replica made it`, async () => {
      for (const laterIsA of [false, true]) {
        const { relay, a, b, clock, listA, listB } = await twoReplicas();
        const id = listA.create({ title: 'shared task' });
        await offlineThenBack(relay, [a, b], () => {
          clock.a = laterIsA ? 5_000 : 2_000;
          clock.b = laterIsA ? 2_000 : 5_000;
          listA.update(id, { [field]: laterIsA ? late : early });
          listB.update(id, { [field]: laterIsA ? early : late });
        });
        expect(listA.get(id)?.[field]).toBe(late);
        expect(listB.get(id)?.[field]).toBe(late);
      }
    });
  }

  it('register: a clear (null) made later wins over an earlier set, and same-time sets agree on one value', async () => {
    const { relay, a, b, clock, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', priority: 'low' });
    await offlineThenBack(relay, [a, b], () => {
      clock.a = 3_000;
      clock.b = 4_000;
      listA.update(id, { priority: 'high' });
      listB.update(id, { priority: null });
    });
    expect(listA.get(id)?.priority).toBeUndefined();
    expect(listB.get(id)?.priority).toBeUndefined();
    await offlineThenBack(relay, [a, b], () => {
      clock.a = clock.b = 9_000;
      listA.update(id, { priority: 'medium' });
      listB.update(id, { priority: 'high' });
    });
    expect(listA.get(id)?.priority).toBeDefined();
    expect(listA.get(id)?.priority).toBe(listB.get(id)?.priority);
  });

  it('register: an edit made after seeing another wins even when its wall clock is behind', async () => {
    const { relay, clock, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't' });
    clock.a = 50_000;
    listA.update(id, { note: 'from a fast clock' });
    await settle(relay);
    clock.b = 1_000;
    listB.update(id, { note: 'seen, then changed' });
    await settle(relay);
    expect(listA.get(id)?.note).toBe('seen, then changed');
  });

  it('set: a concurrent add and remove of one tag keeps it; concurrent adds of different tags keep both', async () => {
    const { relay, a, b, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', tags: ['home'] });
    await offlineThenBack(relay, [a, b], () => {
      listA.update(id, { tags: { remove: ['home'] } });
      listB.update(id, { tags: { add: ['home', 'errand'] } });
    });
    expect(listA.get(id)?.tags).toEqual(['errand', 'home']);
    expect(listB.get(id)?.tags).toEqual(['errand', 'home']);
    await offlineThenBack(relay, [a, b], () => {
      listA.update(id, { tags: [...listA.get(id)!.tags, 'work'] });
      listB.update(id, { tags: { add: ['urgent'] } });
    });
    expect(listA.get(id)?.tags).toEqual(['errand', 'home', 'urgent', 'work']);
    expect(listB.get(id)?.tags).toEqual(['errand', 'home', 'urgent', 'work']);
  });

  it('set: a whole-set patch removes what it lacks and a removal not concurrent with an add holds', async () => {
    const { relay, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', tags: ['a', 'b', 'c'] });
    await settle(relay);
    listB.update(id, { tags: ['c', 'd'] });
    await settle(relay);
    expect(listA.get(id)?.tags).toEqual(['c', 'd']);
  });

  it('counter: concurrent increments add up, and setting a total adds the difference', async () => {
    const { relay, a, b, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', votes: 2 });
    await offlineThenBack(relay, [a, b], () => {
      listA.update(id, { votes: { increment: 3 } });
      listA.update(id, { votes: { increment: 1 } });
      listB.update(id, { votes: { increment: -1 } });
      listB.update(id, { votes: 10 });
    });
    // a: +4; b: -1 then +9 (to reach 10 from the 1 it saw); 2 + 4 - 1 + 9.
    expect(listA.get(id)?.votes).toBe(14);
    expect(listB.get(id)?.votes).toBe(14);
  });

  it('text: concurrent typing in a declared text field merges by character, as the title does', async () => {
    const { relay, a, b, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', notes: 'Call mum' });
    await offlineThenBack(relay, [a, b], () => {
      listA.update(id, { notes: 'Call mum today' });
      listB.update(id, { notes: 'Please call mum' });
    });
    expect(listA.get(id)?.notes).toBe('Please call mum today');
    expect(listB.get(id)?.notes).toBe('Please call mum today');
    expect(listA.text(id, 'notes').toString()).toBe('Please call mum today');
  });

  it('text: colliding rewrites of a declared text field show the later one and keep the other as an alternative to pick', async () => {
    const { relay, a, b, clock, listA, listB } = await twoReplicas();
    const id = listA.create({ title: 't', notes: 'Cheese' });
    await offlineThenBack(relay, [a, b], () => {
      clock.a = 2_000;
      clock.b = 5_000;
      listA.update(id, { notes: 'Gouda' });
      listB.update(id, { notes: 'Brie' });
    });
    for (const list of [listA, listB]) {
      expect(list.get(id)?.notes).toBe('Brie');
      expect(list.get(id)?.alternatives?.['notes']?.map((alternative) => alternative.text)).toEqual(['Gouda']);
    }
    const gouda = listA.get(id)!.alternatives!['notes']![0]!;
    listA.pickAlternative(id, 'notes', gouda.id);
    await settle(relay);
    expect(listA.get(id)?.notes).toBe('Gouda');
    expect(listB.get(id)?.notes).toBe('Gouda');
  });

  it('undo takes back a change of declared fields as one edit, whatever their types', async () => {
    const { listA } = await twoReplicas();
    const id = listA.create({ title: 't', due: '2026-12-01', tags: ['a'], votes: 1 });
    listA.update(id, { due: '2026-12-09', tags: { add: ['b'] }, votes: { increment: 2 } });
    expect(listA.undoState.nextUndo?.kind).toBe('edit');
    expect(listA.undo()?.applied).toBe(true);
    expect(listA.get(id)).toMatchObject({ due: '2026-12-01', tags: ['a'], votes: 1 });
  });

  it('reads never-written fields as absent registers, an empty set, a zero counter and empty text', async () => {
    const { listA } = await twoReplicas();
    const task = listA.get(listA.create({ title: 't' }))!;
    expect(task).toMatchObject({ tags: [], votes: 0, notes: '' });
    for (const field of ['due', 'note', 'estimate', 'urgent', 'priority', 'assignee']) expect(task).not.toHaveProperty(field);
  });
});

describe('validation at the API', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['due', '2026-02-30', /not a date/],
    ['due', 1733270400000, /not a date/],
    ['note', 'x'.repeat(21), /longer than 20/],
    ['estimate', 1.5, /not an integer/],
    ['estimate', -1, /less than 0/],
    ['estimate', Number.NaN, /not a finite number/],
    ['urgent', 'yes', /not a boolean/],
    ['priority', 'urgent', /not one of low, medium, high/],
    ['assignee', '', /not a user id/],
    ['tags', 'home', /not an array/],
    ['tags', [''], /non-empty string/],
    ['votes', 1.5, /not an integer/],
    ['notes', 7, /not a string/],
    ['colour', 'red', /no such field/],
    ['completed', 'yes', /not a boolean/],
    ['description', 42, /not a string/],
  ];
  for (const [field, value, reason] of bad) {
    it(`refuses ${field} = ${JSON.stringify(value)} with ERR_INVALID_FIELD naming the field, and applies nothing`, async () => {
      const { listA } = await twoReplicas();
      const id = listA.create({ title: 'before' });
      const attempt = () => listA.update(id, { title: 'after', [field]: value });
      expect(attempt).toThrow(InvalidFieldError);
      try {
        attempt();
      } catch (error) {
        expect(error).toMatchObject({ code: ConcordErrorCode.InvalidField, field, reason: expect.stringMatching(reason) as unknown });
      }
      expect(listA.get(id)?.title).toBe('before');
      const count = listA.tasks().length;
      expect(() => listA.create({ title: 'new', [field]: value })).toThrow(InvalidFieldError);
      expect(listA.tasks()).toHaveLength(count);
    });
  }

  it('refuses a schema that cannot work at new Concord() with a TypeError', () => {
    const mistakes: unknown[] = [
      { fields: { title: { type: 'string' } } },
      { fields: { 'has space': { type: 'string' } } },
      { fields: { x: { type: 'json' } } },
      { fields: { x: { type: 'enum', values: [] } } },
      { fields: { x: { type: 'enum', values: ['a', 'a'] } } },
      { version: 0, fields: {} },
      { version: 2, fields: {}, migrate: { 3: (task: unknown) => task } },
    ];
    for (const mistake of mistakes) expect(() => new Concord({ schema: mistake as Schema })).toThrow(TypeError);
  });
});

describe('values from other replicas that do not fit', () => {
  it('shows them as absent and reports each written value once', async () => {
    const wider = defineSchema({ fields: { ...fields, priority: { type: 'enum', values: ['low', 'medium', 'high', 'urgent'] }, tags: { type: 'set', maxLength: 300 } } });
    const { relay, listA, listB } = await twoReplicas({ a: schema, b: wider });
    const reports: InvalidFieldReport[] = [];
    listA.on('invalidField', (report) => reports.push(report));
    const id = listB.create({ title: 't', priority: 'urgent', tags: ['ok', 'x'.repeat(201)] } as never);
    await settle(relay);
    const task = listA.get(id)!;
    expect(task.title).toBe('t');
    expect(task).not.toHaveProperty('priority');
    expect(task.tags).toEqual(['ok']);
    listB.update(id, { title: 'renamed' });
    await settle(relay);
    expect(listA.tasks().map((each) => each.title)).toEqual(['renamed']);
    await Promise.resolve();
    expect(reports.map(({ taskId, field, reason }) => ({ taskId, field, reason }))).toEqual([
      { taskId: id, field: 'priority', reason: 'not one of low, medium, high' },
      { taskId: id, field: 'tags', reason: 'a member is longer than 200' },
    ]);
    listB.update(id, { priority: 'high' });
    await settle(relay);
    expect(listA.get(id)?.priority).toBe('high');
  });

  it('a register entry with a stamp past exact integers (2^60) does not take the later edit’s win away', async () => {
    for (const laterIsA of [false, true]) {
      const { relay, a, b, clock, listA, listB } = await twoReplicas();
      const id = listA.create({ title: 't', priority: 'low' });
      await settle(relay);
      // Written by a faulty replica: 2^60 + 1 is 2^60 in floating point, so stamps copied past it would all tie.
      listB.text(id, 'title').doc!.getMap('r:priority').set('1', [2 ** 60, 'medium']);
      await offlineThenBack(relay, [a, b], () => {
        clock.a = laterIsA ? 5_000 : 2_000;
        clock.b = laterIsA ? 2_000 : 5_000;
        listA.update(id, { priority: laterIsA ? 'high' : 'low' });
        listB.update(id, { priority: laterIsA ? 'low' : 'high' });
      });
      expect(listA.get(id)?.priority).toBe('high');
      expect(listB.get(id)?.priority).toBe('high');
    }
  });
});

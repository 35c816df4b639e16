import { describe, expect, expectTypeOf, it } from 'vitest';
import { InvalidFieldError } from '../errors/concord-error.js';
import { defineSchema } from '../model/schema/define.js';
import { runQuery, type TaskQuery } from '../model/schema/query.js';
import type { TaskId } from '../model/ids.js';
import { MemoryPersistence } from '../persistence/memory-persistence.js';
import { Concord } from './concord.js';
import type { Task } from './task-list.js';

const schema = defineSchema({
  fields: {
    due: { type: 'date' },
    assignee: { type: 'user' },
    tags: { type: 'set' },
    priority: { type: 'enum', values: ['low', 'medium', 'high'] },
    estimate: { type: 'number' },
    votes: { type: 'counter' },
  },
});

async function listWith(tasks: ReadonlyArray<Record<string, unknown>>) {
  const concord = new Concord({ schema, persistence: new MemoryPersistence(), syncTabs: false });
  const list = await concord.openList('q');
  const ids = tasks.map((task) => list.create(task as never));
  return { concord, list, ids };
}

const TASKS = [
  { title: 'a', due: '2026-12-03', assignee: 'ann', tags: ['home'], priority: 'low', estimate: 3 },
  { title: 'b', due: '2026-12-10', assignee: 'bob', tags: ['work', 'urgent'], priority: 'high' },
  { title: 'c', assignee: 'ann', tags: ['work'], priority: 'medium', estimate: 1 },
  { title: 'd', due: '2026-12-01', tags: [], completed: true, estimate: 8 },
];

describe('list.tasks({ where, orderBy }) and subscribe with the same query', () => {
  it('filters on registers, sets and built-in fields, with operators and absent values', async () => {
    const { list } = await listWith(TASKS);
    const titles = (query: Parameters<typeof list.tasks>[0]) => list.tasks(query).map((task) => task.title);
    expect(titles({ where: { assignee: 'ann' } })).toEqual(['a', 'c']);
    expect(titles({ where: { due: { lt: '2026-12-05' } } })).toEqual(['a', 'd']);
    expect(titles({ where: { tags: 'work' } })).toEqual(['b', 'c']);
    expect(titles({ where: { tags: { contains: 'urgent' } } })).toEqual(['b']);
    expect(titles({ where: { due: null } })).toEqual(['c']);
    expect(titles({ where: { due: { exists: true }, completed: false } })).toEqual(['a', 'b']);
    expect(titles({ where: { priority: { in: ['high', 'medium'] } } })).toEqual(['b', 'c']);
    expect(titles({ where: { assignee: { ne: 'ann' } } })).toEqual(['b', 'd']);
    expect(titles({ where: { estimate: { gte: 3, lte: 8 } } })).toEqual(['a', 'd']);
    expect(titles({ where: (task) => task.title > 'b' })).toEqual(['c', 'd']);
  });

  it('sorts by one or more keys, absent values last in either direction, ties in list order', async () => {
    const { list } = await listWith(TASKS);
    const titles = (query: Parameters<typeof list.tasks>[0]) => list.tasks(query).map((task) => task.title);
    expect(titles({ orderBy: 'due' })).toEqual(['d', 'a', 'b', 'c']);
    expect(titles({ orderBy: { field: 'due', direction: 'desc' } })).toEqual(['b', 'a', 'd', 'c']);
    expect(titles({ orderBy: ['assignee', { field: 'estimate', direction: 'desc' }] })).toEqual(['a', 'c', 'b', 'd']);
    expect(titles({ orderBy: 'completed', limit: 2 })).toEqual(['a', 'b']);
  });

  it('refuses a query on a field tasks cannot have, or with an unknown operator', async () => {
    const { list } = await listWith(TASKS);
    expect(() => list.tasks({ where: { colour: 'red' } as never })).toThrow(InvalidFieldError);
    expect(() => list.tasks({ orderBy: 'colour' as never })).toThrow(InvalidFieldError);
    expect(() => list.tasks({ where: { due: { before: '2026-12-01' } } as never })).toThrow(/unknown query operator before/);
  });

  it('subscribe(query, listener) calls back with the selection now and after each change', async () => {
    const { list, ids } = await listWith(TASKS);
    const seen: string[][] = [];
    const stop = list.subscribe({ where: { assignee: 'ann' }, orderBy: 'title' }, (tasks) => seen.push(tasks.map((task) => task.title)));
    expect(seen).toEqual([['a', 'c']]);
    list.update(ids[1]!, { assignee: 'ann' });
    await Promise.resolve();
    expect(seen.at(-1)).toEqual(['a', 'b', 'c']);
    stop();
    list.update(ids[0]!, { assignee: null });
    await Promise.resolve();
    expect(seen).toHaveLength(2);
  });

  it('runs over 10,000 tasks in memory (the time is printed)', () => {
    const people = ['ann', 'bob', 'cid', 'dee'];
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({
      id: `t${i}`,
      title: `task ${i}`,
      due: i % 5 === 0 ? undefined : `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`,
      assignee: people[i % 4],
      tags: [`t${i % 5}`],
      priority: ['low', 'medium', 'high'][i % 3],
    }));
    const fields = new Set(['id', 'title', 'due', 'assignee', 'tags', 'priority']);
    const query = { where: { assignee: 'ann', due: { lt: '2026-12-15' }, tags: 't3' }, orderBy: ['due', { field: 'priority', direction: 'desc' }] } as const;
    const started = performance.now();
    const result = runQuery(tasks, query as TaskQuery<(typeof tasks)[number]>, fields);
    const elapsed = performance.now() - started;
    console.log(`query over 10,000 tasks: ${elapsed.toFixed(1)} ms, ${result.length} selected`);
    const expected = tasks.filter((task) => task.assignee === 'ann' && task.due !== undefined && task.due < '2026-12-15' && task.tags.includes('t3'));
    expect(result.length).toBe(expected.length);
    expect(result.length).toBeGreaterThan(0);
    expect(result.map((task) => task.due)).toEqual(expected.map((task) => task.due).sort());
  });
});

describe('types inferred from the schema', () => {
  it('types Task, the patch and the query from the declared fields', async () => {
    const concord = new Concord({
      persistence: new MemoryPersistence(),
      syncTabs: false,
      schema: { fields: { due: { type: 'date' }, priority: { type: 'enum', values: ['low', 'high'] }, tags: { type: 'set' }, votes: { type: 'counter' } } },
    });
    const list = await concord.openList('types');
    const id: TaskId = list.create({ title: 't', priority: 'high' });
    const task = list.get(id)!;
    expectTypeOf(task.due).toEqualTypeOf<string | undefined>();
    expectTypeOf(task.priority).toEqualTypeOf<'low' | 'high' | undefined>();
    expectTypeOf(task.tags).toEqualTypeOf<readonly string[]>();
    expectTypeOf(task.votes).toEqualTypeOf<number>();
    expectTypeOf(task.title).toEqualTypeOf<string>();
    // Type checks only: these would throw at run time.
    const compileOnly = () => {
      // @ts-expect-error: not one of the enum's values
      list.update(id, { priority: 'urgent' });
      // @ts-expect-error: the schema declares no such field
      list.update(id, { colour: 'red' });
      // @ts-expect-error: a query on a field tasks do not have
      list.tasks({ where: { colour: 'red' } });
    };
    expect(compileOnly).toBeTypeOf('function');
    list.update(id, { tags: { add: ['x'] }, votes: { increment: 1 }, due: null });
    expect(list.get(id)).toMatchObject({ tags: ['x'], votes: 1 });
    expectTypeOf<Awaited<ReturnType<Concord['openList']>>['tasks']>().returns.toEqualTypeOf<readonly Task[]>();
    await concord.close();
  });
});

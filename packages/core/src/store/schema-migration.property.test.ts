import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSchema } from '../model/schema/define.js';
import type { MigrationInput } from '../model/schema/types.js';
import { MemoryPersistenceStore } from '../persistence/memory-persistence.js';
import { InMemoryRelay } from '../transport/in-memory.js';
import { openReplica, settle, settleLocally } from './test-support/replicas.js';

const v1Fields = {
  urgent: { type: 'boolean' },
  note: { type: 'string' },
  estimate: { type: 'number' },
  tags: { type: 'set' },
  votes: { type: 'counter' },
  summary: { type: 'text' },
} as const;
const v1 = defineSchema({ fields: v1Fields });

/** Ways a migration may rewrite a text: each a different splice of the stored text (or none). */
const textMigrations = {
  append: (text: string) => `${text} (v2)`,
  prepend: (text: string) => `v2: ${text}`,
  upper: (text: string) => text.toUpperCase(),
  replace: () => 'rewritten',
  clear: () => '',
  middle: (text: string) => `${text.slice(0, 2)}-${text.slice(2)}`,
  keep: (text: string) => text,
} as const;
type TextMigration = keyof typeof textMigrations;

/** A deterministic migration touching every kind of field: registers, a set, a counter and two texts. */
function toV2(task: MigrationInput, rewrite: TextMigration): MigrationInput {
  const tags = (task.tags as string[]).filter((tag) => tag !== 'old');
  return {
    ...task,
    summary: textMigrations[rewrite](task.summary as string),
    // A text the newer version adds, filled from the old one.
    details: `from ${task.summary as string}`,
    priority: task.urgent === true ? 'high' : 'low',
    note: typeof task.note === 'string' ? task.note.toUpperCase() : task.note,
    estimate: typeof task.estimate === 'number' ? task.estimate + 1 : 0,
    tags: [...tags, 'migrated'],
    votes: (task.votes as number) * 2,
  };
}
const v2 = (rewrite: TextMigration) =>
  defineSchema({
    version: 2,
    fields: { ...v1Fields, priority: { type: 'enum', values: ['low', 'high'] }, details: { type: 'text' } },
    migrate: { 2: (task) => toV2(task, rewrite) },
  });

const start = fc.record({
  urgent: fc.option(fc.boolean(), { nil: undefined }),
  note: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
  estimate: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
  tags: fc.uniqueArray(fc.constantFrom('old', 'home', 'work', 'x'), { maxLength: 4 }),
  votes: fc.integer({ min: -3, max: 20 }),
  summary: fc.string({ maxLength: 8 }),
  rewrite: fc.constantFrom(...(Object.keys(textMigrations) as TextMigration[])),
  /**
   * After migrating, still offline, one replica types into the migrated text: a keystroke at the end (right after
   * what the migration wrote), or a whole-value update that appends, or nothing.
   */
  typed: fc.option(fc.record({ by: fc.constantFrom(0, 1), how: fc.constantFrom('keystroke', 'update') }), { nil: undefined }),
  /** Votes the second replica adds before both go offline. */
  moreVotes: fc.integer({ min: 0, max: 5 }),
});

type Start = typeof start extends fc.Arbitrary<infer T> ? T : never;

async function run(pre: Start): Promise<void> {
  const relay = new InMemoryRelay();
  const stores = [new MemoryPersistenceStore(), new MemoryPersistenceStore()];
  const a = await openReplica(relay, 'ann', 'l', stores[0], { schema: v1 });
  const b = await openReplica(relay, 'bob', 'l', stores[1], { schema: v1 });
  a.transport.connect();
  b.transport.connect();
  const { moreVotes, rewrite, typed, ...fields } = pre;
  const created = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const id = a.list.create({ title: 't', ...created });
  await settle(relay);
  b.list.update(id, { votes: { increment: moreVotes } } as never);
  await settle(relay);
  const before = a.list.get(id) as unknown as MigrationInput;
  await Promise.all([a.concord.close(), b.concord.close()]);

  // Both open the task with the newer code while offline: both migrate it, concurrently.
  const upgraded = [await openReplica(relay, 'ann', 'l', stores[0], { schema: v2(rewrite) }), await openReplica(relay, 'bob', 'l', stores[1], { schema: v2(rewrite) })];
  await settleLocally(upgraded);
  for (const replica of upgraded) expect(replica.list.get(id)).toHaveProperty('priority');
  if (typed) {
    const { list } = upgraded[typed.by]!;
    const summary = (list.get(id) as unknown as MigrationInput).summary as string;
    if (typed.how === 'keystroke') list.spliceText(id, 'summary', { index: summary.length, remove: 0, insert: '!' });
    else list.update(id, { summary: `${summary}!` } as never);
  }
  for (const replica of upgraded) replica.transport.connect();
  await settle(relay);

  const migrated = toV2(before, rewrite);
  const expected = typed ? { ...migrated, summary: `${migrated.summary as string}!` } : migrated;
  const [x, y] = upgraded.map((replica) => replica.list.get(id)!);
  expect(x).toEqual(y);
  for (const replica of upgraded) {
    // The two migrations were one write: the Y.Text itself (what a client without the edit records reads) holds the
    // migrated text once, and the shared client id they wrote under is claimed by nobody.
    const doc = replica.list.text(id, 'summary').doc!;
    expect(replica.list.text(id, 'summary').toString()).toBe(expected.summary);
    const migrator = doc.getMap('versions')._map.get('2')!.id.client;
    expect(doc.getMap('authors').has(String(migrator))).toBe(false);
  }
  for (const field of ['priority', 'note', 'estimate', 'tags', 'votes', 'urgent', 'summary', 'details'] as const) {
    const want = field === 'tags' ? [...(expected.tags as string[])].sort() : expected[field];
    expect((x as unknown as MigrationInput)[field], field).toEqual(want);
  }
  await Promise.all(upgraded.map((replica) => replica.concord.close()));
}

describe('concurrent migration of one task on two replicas', () => {
  it('converges on the values a single migration gives', async () => {
    const numRuns = Number(process.env.CONCORD_PROPERTY_RUNS ?? 100);
    const seed = Number(process.env.CONCORD_PROPERTY_SEED ?? Date.now() % 2 ** 31);
    console.log(`concurrent migration property: seed ${seed}`);
    // fast-check also prints the seed and the shrunk counterexample on failure; replay with CONCORD_PROPERTY_SEED.
    await fc.assert(fc.asyncProperty(start, run), { numRuns, seed, verbose: 1 });
  }, 120_000);
});

// `list.tasks({ where, orderBy })` and `subscribe(query)` on a real list of 10,000 tasks made through the API, each
// with five declared fields (see "Queries" in packages/core/README.md).
// Needs the built package: `npx -y pnpm@10.34.9 exec tsc -b packages/core`, then
// `node packages/core/bench/query-10000.js [--tasks 10000] [--runs 30]` (see bench/README.md).
import { Concord, MemoryPersistence } from '../dist/index.js';
import { fiveFields } from './five-fields.js';

const args = process.argv.slice(2);
/** @param {string} name @param {number} fallback */
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const tasks = option('--tasks', 10_000);
const runs = option('--runs', 30);
const schema = fiveFields;
const people = ['ann', 'bob', 'cy', 'di'];
const priorities = /** @type {const} */ (['low', 'medium', 'high']);
/** @param {number} i */
const day = (i) => `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;

const concord = new Concord({ schema, persistence: new MemoryPersistence(), userId: 'ann', syncTabs: false });
const list = await concord.openList('bench');
for (let i = 0; i < tasks; i++) {
  list.create({ title: `Task ${i}`, due: day(i * 7), assignee: people[i % 4], tags: i % 3 === 0 ? ['home'] : ['work', `t${i % 10}`], priority: priorities[i % 3], estimate: i % 13 });
}
await new Promise((resolve) => setImmediate(resolve));
if (list.tasks().length !== tasks) throw new Error(`expected ${tasks} tasks, found ${list.tasks().length}`);

/** @type {Record<string, Parameters<typeof list.tasks>[0]>} */
const queries = {
  'mine, overdue, by due then priority': { where: { assignee: 'ann', due: { lt: '2026-06-15' } }, orderBy: ['due', { field: 'priority', direction: 'desc' }] },
  'by tag': { where: { tags: 'home' } },
  'sorted by title, all': { orderBy: 'title' },
  'predicate, first 50': { where: (task) => (task.estimate ?? 0) > 6, orderBy: { field: 'estimate', direction: 'desc' }, limit: 50 },
};

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** @param {number[]} values */
const worst = (values) => Math.max(...values);
const f = (/** @type {number} */ value) => value.toFixed(2);

console.log(`${tasks} tasks, ${runs} runs each; wall milliseconds (median / worst), on ${process.version}`);
console.log('| query | selected | list.tasks(query) | subscribe(query): update to listener |');
console.log('|---|---:|---:|---:|');
const ids = list.tasks().map((task) => task.id);
for (const [name, query] of Object.entries(queries)) {
  /** @type {number[]} */
  const direct = [];
  let selected = 0;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    selected = list.tasks(query).length;
    direct.push(performance.now() - start);
  }
  // A change to one task, then the listener called with the query's new result (one microtask later).
  /** @type {number[]} */
  const delivered = [];
  /** @type {(value?: unknown) => void} */
  let called = () => undefined;
  let start = 0;
  const stop = list.subscribe(query, () => {
    delivered.push(performance.now() - start);
    called();
  });
  delivered.length = 0;
  for (let run = 0; run < runs; run++) {
    const wait = new Promise((resolve) => (called = resolve));
    start = performance.now();
    list.update(ids[(run * 997) % ids.length], { estimate: run % 13 });
    await wait;
  }
  stop();
  console.log(`| ${name} | ${selected} | ${f(median(direct))} / ${f(worst(direct))} | ${f(median(delivered))} / ${f(worst(delivered))} |`);
}
await concord.close();
